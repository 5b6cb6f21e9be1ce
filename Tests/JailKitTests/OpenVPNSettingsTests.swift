import Testing
@testable import JailKit

@Suite struct OpenVPNSettingsTests {
    func errors(_ text: String) -> [String] {
        do { _ = try JailConfig.parse(text: text, file: "/etc/netns-jail.conf"); return [] }
        catch { return error.diagnostics.map(\.description) }
    }

    @Test func anOpenVPNJail() throws {
        let config = try JailConfig.parse(text: """
            [vpn]
            openvpn = /etc/openvpn/provider.ovpn
            openvpn-auth = /etc/openvpn/provider.auth
            dns = 198.51.100.53, fd00::53
            """, file: "/etc/netns-jail.conf")
        let jail = try #require(config.jails.first)
        #expect(jail.openvpn == OpenVPNSettings(config: "/etc/openvpn/provider.ovpn", auth: "/etc/openvpn/provider.auth",
                                                dns: [IPAddress("198.51.100.53")!, IPAddress("fd00::53")!]))
        #expect(jail.wireguard == "")
        #expect(jail.interface.value == "tun-vpn")
    }

    @Test func exactlyOneTunnel() {
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\nopenvpn = /etc/openvpn/a.ovpn\n") ==
                ["/etc/netns-jail.conf:3: [vpn] names both wireguard and openvpn; a jail has one tunnel, so keep one of the lines"])
        #expect(errors("[vpn]\ninterface = x0\n").first?.contains("has no 'wireguard = /path/to/wg.conf' or 'openvpn = /path/to/provider.ovpn' line") == true)
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\nopenvpn-auth = /etc/a\n").first?.contains("openvpn-auth belongs to an OpenVPN jail") == true)
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\ndns = 192.0.2.1\n").first?.contains("dns belongs to an OpenVPN jail") == true)
    }

    @Test func valuesAreChecked() {
        #expect(errors("[vpn]\nopenvpn = provider.ovpn\n").first?.contains("openvpn must be an absolute path") == true)
        #expect(errors("[vpn]\nopenvpn = /a.ovpn\nopenvpn-auth = /a b\n").first?.contains("openvpn-auth must be an absolute path") == true)
        #expect(errors("[vpn]\nopenvpn = /a.ovpn\ndns = resolver.example\n").first?.contains("is not an IPv4 or IPv6 address") == true)
        #expect(errors("[vpn]\nopenvpn = /a.ovpn\ndns = 192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4\n").first?.contains("1 to 3 addresses") == true)
        #expect(errors("[vpn]\nopenvpn = /a.ovpn\nopenvpn = /b.ovpn\n").first?.contains("openvpn appears twice") == true)
        // Port forwarding works over OpenVPN (the pushed gateway).
        #expect(errors("[vpn]\nopenvpn = /a.ovpn\nport-forward = natpmp\n").isEmpty)
    }
}

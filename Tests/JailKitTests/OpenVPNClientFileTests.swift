import Testing
import NetnsPolicy
@testable import JailKit

@Suite struct OpenVPNClientFileTests {
    private func written(_ text: String, credentials: OpenVPNCredentials? = OpenVPNCredentials(user: "p1234567", password: "s3cret")) throws -> String {
        let config = try OVPN.parse(text)
        return OpenVPNClientFile(config: config, source: OVPN.file, interface: InterfaceName("tun-vpn")!,
                                 credentials: credentials, user: "netns-openvpn", group: "netns-openvpn", hook: "/proc/self/fd/3 openvpn-up vpn tun-vpn",
                                 credentialsFile: "/run/netns-jail/vpn.openvpn.auth").text
    }

    @Test func writesOnlyWhatPassedThenItsOwnOptions() throws {
        let text = try written(OVPN.provider)
        #expect(text == """
            # Written by netns-jail from /etc/openvpn/provider.ovpn; edits are lost at the next 'up'.
            proto udp
            remote 198.51.100.1 1194
            remote 198.51.100.2 443 tcp
            remote vpn.example.test 1194
            remote-random
            resolv-retry infinite
            cipher AES-256-GCM
            data-ciphers AES-256-GCM:CHACHA20-POLY1305
            auth SHA256
            remote-cert-tls server
            verify-x509-name "Provider X Server" name
            key-direction 1
            <ca>
            -----BEGIN CERTIFICATE-----
            \(OVPN.pem)-----END CERTIFICATE-----
            </ca>
            <tls-crypt>
            -----BEGIN OpenVPN Static key V1-----
            \(OVPN.staticKey)-----END OpenVPN Static key V1-----
            </tls-crypt>
            auth-user-pass /run/netns-jail/vpn.openvpn.auth
            # netns-jail's own options
            client
            dev tun-vpn
            dev-type tun
            ifconfig-noexec
            route-noexec
            script-security 2
            up "/proc/self/fd/3 openvpn-up vpn tun-vpn"
            ignore-unknown-option disable-dco
            disable-dco
            persist-tun
            persist-key
            nobind
            auth-retry nointeract
            verb 3
            user netns-openvpn
            group netns-openvpn

            """)
    }

    /// netns-jail's management socket comes last, root's alone.
    @Test func endsWithItsOwnManagementSocket() throws {
        let config = try OVPN.parse(OVPN.provider)
        let text = OpenVPNClientFile(config: config, source: OVPN.file, interface: InterfaceName("tun-vpn")!,
                                     credentials: OpenVPNCredentials(user: "u", password: "p"), user: "nobody", group: "nogroup",
                                     hook: "/proc/self/fd/3 openvpn-up vpn tun-vpn", credentialsFile: "/run/netns-jail/vpn.openvpn.auth",
                                     management: "/run/netns-jail/openvpn/vpn.sock").text
        #expect(text.hasSuffix("group nogroup\nmanagement /run/netns-jail/openvpn/vpn.sock unix\nmanagement-client-user root\n"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("management ") }.count == 1)
    }

    /// Whatever the provider's file holds, every line of what OpenVPN reads
    /// starts with a directive from the allow-list, netns-jail's own, or is
    /// inside a block of checked PEM.
    @Test func everyWrittenLineIsAllowed() throws {
        let hostile = OVPN.provider + """
            plugin /usr/lib/openvpn/openvpn-plugin-down-root.so "/tmp/x"
            --config /tmp/evil
            route-up '/bin/sh -c id'
            cipher AES-256-GCM ; up /tmp/x
            tls-auth [inline] 1

            """ + OVPN.block("tls-auth", "OpenVPN Static key V1", OVPN.staticKey).replacingOccurrences(of: "<tls-auth>", with: "<tls-auth>\nup /tmp/evil")
        let errors = OVPN.errors(hostile)
        #expect(errors.contains { $0.contains("not several") })   // tls-crypt and tls-auth both: refused whole
        let text = try written(hostile.replacingOccurrences(of: OVPN.block("tls-crypt", "OpenVPN Static key V1", OVPN.staticKey), with: ""))
        let own: Set<String> = ["client", "dev", "dev-type", "ifconfig-noexec", "route-noexec", "script-security", "persist-tun",
                                "persist-key", "nobind", "auth-retry", "verb", "user", "group", "proto", "remote", "key-direction", "up", "disable-dco",
                                "ignore-unknown-option", "auth-user-pass"]
        var inBlock = false
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("<"), line.hasSuffix(">") { inBlock = !line.hasPrefix("</"); continue }
            if inBlock || line.hasPrefix("#") { continue }
            let name = String(line.split(separator: " ")[0])
            #expect(own.contains(name) || OpenVPNDirective.passed[name] != nil, "\(line)")
        }
        #expect(!text.contains("/tmp"))
        #expect(text.components(separatedBy: "\nup ").count == 2, "one up line, netns-jail's")
        #expect(text.contains("\nup \"/proc/self/fd/3 openvpn-up vpn tun-vpn\"\n"))
    }

    /// In a file of their own, named by path: OpenVPN 2.5 (Slackware
    /// 15.0's) refuses an inline <auth-user-pass> block.
    @Test func credentialsGoToTheirFileOnlyWhenAsked() throws {
        func client(_ text: String) throws -> OpenVPNClientFile {
            OpenVPNClientFile(config: try OVPN.parse(text), source: OVPN.file, interface: InterfaceName("tun-vpn")!,
                              credentials: OpenVPNCredentials(user: "p1234567", password: "s3cret"), user: "nobody", group: "nogroup",
                              hook: "/proc/self/fd/3 openvpn-up vpn tun-vpn", credentialsFile: "/run/netns-jail/vpn.openvpn.auth")
        }
        let certOnly = "remote 198.51.100.1\n" + OVPN.block("ca", "CERTIFICATE") + OVPN.block("cert", "CERTIFICATE") + OVPN.block("key", "PRIVATE KEY")
        #expect(!(try client(certOnly)).text.contains("auth-user-pass"))
        #expect(try client(certOnly).credentialsText == nil)
        let asked = try client(OVPN.provider)
        #expect(asked.text.contains("\nauth-user-pass /run/netns-jail/vpn.openvpn.auth\n"))
        #expect(!asked.text.contains("s3cret") && !asked.text.contains("<auth-user-pass>"))
        #expect(asked.credentialsText == "p1234567\ns3cret\n")
    }

    @Test func credentialsFileShape() throws {
        func parse(_ s: String) -> Result<OpenVPNCredentials, OpenVPNCredentials.Problem> { OpenVPNCredentials.parse(Array(s.utf8)) }
        #expect(try parse("user\npass\n").get() == OpenVPNCredentials(user: "user", password: "pass"))
        #expect(try parse("user\r\npäss wörd\r\n").get() == OpenVPNCredentials(user: "user", password: "päss wörd"))
        for bad in ["", "user\n", "user\npass\nmore\n", "\npass\n", "user\npa\u{1B}ss\n", "user\n</auth-user-pass>\n", "us\0er\npass\n"] {
            #expect((try? parse(bad).get()) == nil, "\(bad.debugDescription) accepted")
        }
        #expect((try? OpenVPNCredentials.parse([0x75, 0x0A, 0xFF, 0xFE]).get()) == nil)
    }
}

import Testing
@testable import JailKit

@Suite struct OpenVPNPushTests {
    /// What OpenVPN 2.6 gave its up program in Tests/EndToEnd (topology
    /// subnet, IPv4 and IPv6, DNS, DNS6 and DOMAIN pushed).
    static let environment: [String: String] = [
        "dev": "nxov9t", "ifconfig_local": "198.51.100.130", "ifconfig_netmask": "255.255.255.224",
        "ifconfig_ipv6_local": "fd00:5e::102", "ifconfig_ipv6_netbits": "124", "ifconfig_ipv6_remote": "fd00:5e::101",
        "route_vpn_gateway": "198.51.100.129", "route_net_gateway": "192.0.2.1", "tun_mtu": "1500",
        "trusted_ip": "192.0.2.1", "trusted_port": "1194",
        "foreign_option_1": "dhcp-option DNS 198.51.100.1", "foreign_option_2": "dhcp-option DNS6 fd00:5e::1",
        "foreign_option_3": "dhcp-option DOMAIN vpn.test", "route_ipv6_network_1": "::/3",
    ]

    @Test func readsWhatTheServerPushed() {
        let push = OpenVPNPush(environment: Self.environment)
        #expect(push.address4?.description == "198.51.100.130/27")
        #expect(push.gateway4?.description == "198.51.100.129")
        #expect(push.address6?.description == "fd00:5e::102/124")
        #expect(push.gateway6?.description == "fd00:5e::101")
        #expect(push.dnsServers.map(\.description) == ["198.51.100.1", "fd00:5e::1"])
        #expect(push.searchDomains == ["vpn.test"])
        #expect(push.mtu == 1500)
        #expect(push.server == "192.0.2.1:1194")
        #expect(push.families == [.ipv4, .ipv6])
        #expect(push.dropped.isEmpty)
        #expect(OpenVPNPush(record: push.record) == OpenVPNPush(environment: Self.environment).withoutDropped)
    }

    @Test func noIPv6PushedMeansNoIPv6() {
        var env = Self.environment
        env["ifconfig_ipv6_local"] = nil; env["ifconfig_ipv6_netbits"] = nil; env["ifconfig_ipv6_remote"] = nil
        let push = OpenVPNPush(environment: env)
        #expect(push.families == [.ipv4])
        #expect(push.address6 == nil && push.gateway6 == nil)
    }

    /// A hostile server's values are dropped, never passed on as text.
    @Test func hostileValuesAreDropped() {
        var env = Self.environment
        env["ifconfig_local"] = "198.51.100.130 dev lo"
        env["ifconfig_ipv6_local"] = "fd00::1;reboot"
        env["route_vpn_gateway"] = "fd00::1"
        env["foreign_option_1"] = "dhcp-option DNS 198.51.100.1\nnameserver 192.0.2.53"
        env["foreign_option_2"] = "dhcp-option DOMAIN evil\noptions ndots:99"
        env["foreign_option_3"] = "dhcp-option DOMAIN good.test"
        env["foreign_option_4"] = "dhcp-option DNS 192.0.2.53"
        let push = OpenVPNPush(environment: env)
        #expect(push.address4 == nil && push.address6 == nil && push.gateway4 == nil)
        #expect(push.dnsServers.map(\.description) == ["192.0.2.53"])
        #expect(push.searchDomains == ["good.test"])
        #expect(push.dropped.count == 5)
        #expect(!push.record.contains("reboot") && !push.record.contains("ndots") && !push.record.contains("lo\n"))
    }

    @Test func boundsAndMasks() {
        var env: [String: String] = [:]
        for i in 1...40 { env["foreign_option_\(i)"] = "dhcp-option DNS 198.51.100.\(i)" }
        #expect(OpenVPNPush(environment: env).dnsServers.count == OpenVPNPush.maximumResolvers)
        #expect(OpenVPNPush.prefixLength("255.255.255.0") == 24)
        #expect(OpenVPNPush.prefixLength("255.255.255.255") == 32)
        #expect(OpenVPNPush.prefixLength("0.0.0.0") == 0)
        #expect(OpenVPNPush.prefixLength("255.0.255.0") == nil)
        #expect(OpenVPNPush(record: "address4 198.51.100.2/24\nrm -rf /\n") == nil)
        #expect(OpenVPNPush(record: "dns 198.51.100.1 extra\n") == nil)
    }
}

extension OpenVPNPush {
    var withoutDropped: OpenVPNPush { var copy = self; copy.dropped = []; return copy }
}

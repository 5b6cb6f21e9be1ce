import Testing
@testable import JailKit
import NetnsPolicy

@Suite struct RelaySpecTests {
    let jail = NamespaceName("vpn")!

    func parse(_ direction: RelaySpec.Direction, _ value: String) -> String {
        do { return try RelaySpec.parse(direction, value, jail: jail).description } catch { return "refused: \(error.message)" }
    }

    func errors(_ text: String) -> [String] {
        do { _ = try JailConfig.parse(text: text, file: "/etc/netns-jail.conf"); return [] }
        catch { return error.diagnostics.map(\.description) }
    }

    @Test func tcpForms() {
        #expect(parse(.publish, "127.0.0.1:8080") == "publish 127.0.0.1:8080 -> jail 127.0.0.1:8080")
        #expect(parse(.publish, "127.0.0.1:18080:8080") == "publish 127.0.0.1:18080 -> jail 127.0.0.1:8080")
        #expect(parse(.publish, "[::1]:8080") == "publish [::1]:8080 -> jail [::1]:8080")
        #expect(parse(.hostService, "127.0.0.1:631") == "host-service jail 127.0.0.1:631 -> host 127.0.0.1:631")
        #expect(parse(.hostService, "127.0.0.2:6310:631") == "host-service jail 127.0.0.2:6310 -> host 127.0.0.2:631")
    }

    /// The jail's directory also holds its live resolv.conf, which netns-jail
    /// writes through a temporary beside it: no socket takes those names.
    @Test func aSocketCannotTakeTheLiveResolvConfsName() {
        for name in ["resolv.conf", "resolv.conf.netns-jail-new"] {
            #expect(parse(.publish, "unix:/run/netns-jail/vpn/\(name):8080 owner=alice")
                == "refused: /run/netns-jail/vpn/resolv.conf is the jail's resolvers, which netns-jail writes there; give the socket another name such as /run/netns-jail/vpn/webui.sock")
        }
    }

    @Test func unixForm() {
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice group=vpnweb mode=0660")
            == "publish unix:/run/netns-jail/vpn/webui.sock (owner alice, group vpnweb, mode 0660) -> jail 127.0.0.1:8080")
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice group=1234")
            == "publish unix:/run/netns-jail/vpn/webui.sock (owner alice, group 1234, mode 0600) -> jail 127.0.0.1:8080")
        // Group bits without a named group: the owner's primary group may be everyone's.
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice mode=0660")
            .hasPrefix("refused: mode=0660 gives a group access, so name it: add group=GROUP"))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice mode=0620").hasPrefix("refused: mode=0620 gives a group access"))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice group=a:b").hasPrefix("refused: group= takes a group name or GID"))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=1000")
            == "publish unix:/run/netns-jail/vpn/webui.sock (owner 1000, mode 0600) -> jail 127.0.0.1:8080")
    }

    @Test func refusals() {
        // Only loopback: publishing on a LAN address would expose the jail.
        #expect(parse(.publish, "0.0.0.0:8080").hasPrefix("refused: 0.0.0.0 is not a loopback address"))
        #expect(parse(.publish, "192.0.2.1:8080").hasPrefix("refused: 192.0.2.1 is not a loopback address"))
        #expect(parse(.hostService, "[::]:631").hasPrefix("refused: :: is not a loopback address"))
        #expect(parse(.publish, "127.0.0.1:0").hasPrefix("refused: '0' is not a port number"))
        #expect(parse(.publish, "127.0.0.1:65536").hasPrefix("refused: '65536' is not a port number"))
        #expect(parse(.publish, "127.0.0.1:80:81:82").hasPrefix("refused: publish takes"))
        #expect(parse(.publish, "localhost:80").hasPrefix("refused: 'localhost' is not an IP address"))
        #expect(parse(.publish, "127.0.0.1:80 extra").hasPrefix("refused: unexpected 'extra'"))
        // Proxies and resolvers leak unless the administrator says so.
        #expect(parse(.hostService, "127.0.0.1:53").contains("is a DNS port"))
        #expect(parse(.hostService, "127.0.0.1:9050").contains("is a Tor SOCKS port"))
        #expect(parse(.hostService, "127.0.0.1:13128:3128").contains("is a Squid port"))
        #expect(parse(.hostService, "127.0.0.1:3128 allow-leak") == "host-service jail 127.0.0.1:3128 -> host 127.0.0.1:3128")
        #expect(parse(.publish, "127.0.0.1:3128 allow-leak").hasPrefix("refused: unexpected 'allow-leak'"))
        // Unix sockets live in the jail's own root-owned directory.
        #expect(parse(.publish, "unix:/tmp/webui.sock:8080 owner=alice").hasPrefix("refused: a published Unix socket is a file directly in /run/netns-jail/vpn/"))
        #expect(parse(.publish, "unix:/run/netns-jail/other/webui.sock:8080 owner=alice").hasPrefix("refused: a published Unix socket is a file directly in"))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/../x.sock:8080 owner=alice").hasPrefix("refused: a published Unix socket is a file directly in"))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080").hasPrefix("refused: a published Unix socket needs owner="))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice mode=0400").hasPrefix("refused: mode must be"))
        #expect(parse(.publish, "unix:/run/netns-jail/vpn/webui.sock:8080 owner=alice mode=4600").hasPrefix("refused: mode must be"))
        #expect(parse(.hostService, "unix:/run/netns-jail/vpn/cups.sock:631").hasPrefix("refused: host-service listens on the jail's loopback"))
    }

    @Test func configLinesAndConflicts() throws {
        let config = try JailConfig.parse(text: """
            [vpn]
            wireguard = /etc/wireguard/proton0.conf
            publish = 127.0.0.1:8080
            Host-Service = 127.0.0.1:631
            """, file: "/etc/netns-jail.conf")
        #expect(config.jails[0].relays.map(\.description) == ["publish 127.0.0.1:8080 -> jail 127.0.0.1:8080",
                                                             "host-service jail 127.0.0.1:631 -> host 127.0.0.1:631"])
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\npublish = 10.0.0.1:80").contains {
            $0.hasPrefix("/etc/netns-jail.conf:3: 10.0.0.1 is not a loopback address") })
        // Twice the same listener, in one jail or two.
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\npublish = 127.0.0.1:80\npublish = 127.0.0.1:80:81").contains {
            $0.contains("listens where publish 127.0.0.1:80 -> jail 127.0.0.1:80 does") })
        #expect(errors("[a]\nwireguard = /etc/wireguard/a.conf\npublish = 127.0.0.1:80\n[b]\nwireguard = /etc/wireguard/b.conf\npublish = 127.0.0.1:80").contains {
            $0.hasPrefix("/etc/netns-jail.conf:4: publish 127.0.0.1:80 -> jail 127.0.0.1:80 of [b] listens where [a] on line 1 publishes already") })
        // A publish feeding a host-service of the same jail would loop.
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\npublish = 127.0.0.1:8080\nhost-service = 127.0.0.1:8080").contains {
            $0.contains("would relay into each other") })
        #expect(errors("[vpn]\nwireguard = /etc/wireguard/a.conf\npublish = 127.0.0.1:9000:8080\nhost-service = 127.0.0.1:7000:9000").contains {
            $0.contains("would relay into each other") })
    }
}

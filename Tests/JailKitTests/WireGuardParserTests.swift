import Testing
@testable import JailKit

@Suite struct WireGuardParserTests {
    @Test func parsesEveryAddressAndResolver() throws {
        let config: WireGuardConfig = try Fixture.parse(Fixture.wireguard)
        #expect(config.interface.addresses.map { $0.description } == ["10.2.0.2/32", "fd00:2::2/128"])
        #expect(config.interface.dnsServers.map { $0.description } == ["10.2.0.1", "fd00:2::1", "10.2.0.53"])
        #expect(config.interface.searchDomains == ["corp.example"])
        #expect(config.interface.mtu == 1380)
        #expect(config.families == [IPAddress.Family.ipv4, IPAddress.Family.ipv6])
        #expect(config.peers.count == 1)
        #expect(config.peers[0].allowedIPs.map { $0.description } == ["0.0.0.0/0", "::/0"])
        #expect(config.peers[0].endpoint == "198.51.100.7:51820")
        #expect(config.peers[0].persistentKeepalive == 25)
    }

    @Test func stripsWgQuickKeysAndWarnsAboutHooks() throws {
        let config: WireGuardConfig = try Fixture.parse(Fixture.wireguard)
        let text = config.setconfText
        for key in ["Table", "PostUp", "SaveConfig", "Address", "DNS", "MTU", "iptables"] {
            #expect(!text.contains(key), "setconf text must not contain \(key)")
        }
        #expect(text == """
            [Interface]
            PrivateKey = \(Fixture.privateKey)

            [Peer]
            PublicKey = \(Fixture.publicKey)
            PresharedKey = \(Fixture.presharedKey)
            AllowedIPs = 0.0.0.0/0, ::/0
            Endpoint = 198.51.100.7:51820
            PersistentKeepalive = 25

            """)
        #expect(config.warnings.count == 1)
        #expect(config.warnings[0].message.contains("PostUp"))
        #expect(config.warnings[0].message.contains("never runs"))
    }

    @Test func keysAndSectionsAreCaseInsensitive() throws {
        let text = """
            [INTERFACE]
            privatekey=\(Fixture.privateKey)
            ADDRESS = 10.0.0.2
            [peer]
            PUBLICKEY = \(Fixture.publicKey)
            allowedips = 10.0.0.0/8
            """
        let config: WireGuardConfig = try Fixture.parse(text)
        #expect(config.interface.addresses.map { $0.description } == ["10.0.0.2/32"])
        #expect(config.peers[0].allowedIPs.map { $0.description } == ["10.0.0.0/8"])
    }

    @Test func interfaceOnlyKeysPassListenPortAndFwMark() throws {
        let config: WireGuardConfig = try Fixture.parse(Fixture.minimal(interface: "ListenPort = 51820\nFwMark = 0xCA6C"))
        #expect(config.setconfText.contains("ListenPort = 51820\nFwMark = 0xca6c\n"))
    }

    @Test func reportsEveryMalformedLineWithFileAndLine() {
        let text = """
            [Interface]
            PrivateKey = notakey
            Address = 10.0.0.300/32, fd00::1/129
            DNS = 10.0.0.1, bad domain!
            MTU = 99999
            Frobnicate = 1
            [Peer]
            PublicKey = \(Fixture.publicKey)
            AllowedIPs = 0.0.0.0/33
            Endpoint = 2001:db8::1:51820
            """
        let errors = Fixture.errors(text)
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:2: PrivateKey") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:3: Address '10.0.0.300/32'") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:3: Address 'fd00::1/129'") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:4: DNS 'bad'") || $0.hasPrefix("/etc/wireguard/test.conf:4: DNS 'domain!'") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:5: MTU") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:6: unknown key Frobnicate") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:9: AllowedIPs") })
        #expect(errors.contains { $0.hasPrefix("/etc/wireguard/test.conf:10: Endpoint") })
    }

    @Test func missingKeysAndSectionsAreErrors() {
        #expect(Fixture.errors("").contains { $0.contains("no [Interface]") })
        #expect(Fixture.errors("[Interface]\nAddress = 10.0.0.2\n[Peer]\nPublicKey = \(Fixture.publicKey)\n")
            .contains { $0.contains("has no PrivateKey") })
        #expect(Fixture.errors("[Interface]\nPrivateKey = \(Fixture.privateKey)\n[Peer]\nPublicKey = \(Fixture.publicKey)\n")
            .contains { $0.contains("has no Address") })
        #expect(Fixture.errors("[Interface]\nPrivateKey = \(Fixture.privateKey)\nAddress = 10.0.0.2\n")
            .contains { $0.contains("no [Peer]") })
        #expect(Fixture.errors("[Interface]\nPrivateKey = \(Fixture.privateKey)\nAddress = 10.0.0.2\n[Peer]\nAllowedIPs = ::/0\n")
            .contains { $0.contains(":4: [Peer] has no PublicKey") })
    }

    @Test func duplicatesAreRefused() {
        let twice = Fixture.errors(Fixture.minimal(interface: "[Interface]\nMTU = 1400\nMTU = 1300"))
        #expect(twice.contains { $0.contains("second [Interface]") })
        #expect(twice.contains { $0.contains("MTU appears twice") })
        let peers = Fixture.errors(Fixture.minimal(peer: "[Peer]\nPublicKey = \(Fixture.publicKey)"))
        #expect(peers.contains { $0.contains("same PublicKey as the one on line") })
    }

    @Test func keysOutsideSectionsAndUnknownSectionsAreErrors() {
        #expect(Fixture.errors("Address = 10.0.0.2\n" + Fixture.minimal()).contains { $0.contains(":1: Address is outside any section") })
        #expect(Fixture.errors(Fixture.minimal() + "\n[Peers]").contains { $0.contains("unknown section [Peers]") })
        #expect(Fixture.errors(Fixture.minimal() + "\n[Peer").contains { $0.contains("section header") })
    }

    @Test func hostileBytesAreRefusedNotReinterpreted() {
        // A NUL must not truncate an address the way a C parser would.
        let nul = Fixture.errors(Fixture.minimal(interface: "Address = 10.0.0.3/32\u{0}/0"))
        #expect(nul.contains { $0.contains(":4: line contains a NUL byte") })
        let huge = Fixture.errors(Fixture.minimal(interface: "DNS = " + String(repeating: "1", count: 100_000)))
        #expect(huge.contains { $0.contains(":4: line is longer than 4096 bytes") })
        let unicode = Fixture.errors(Fixture.minimal(interface: "Addréss = 10.0.0.3"))
        #expect(unicode.contains { $0.contains(":4: unexpected byte \\xc3") })
        let fullwidth = Fixture.errors(Fixture.minimal(interface: "Address = １０.0.0.3"))
        #expect(!fullwidth.isEmpty)
        // Non-ASCII in a comment is fine, as in wg-quick.
        #expect(Fixture.errors(Fixture.minimal(interface: "# Serveur à Zürich ✓")).isEmpty)
        let crlf = Fixture.minimal().replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Fixture.errors(crlf).isEmpty)
    }

    @Test func errorFloodIsBounded() {
        let text = Fixture.minimal() + "\n" + String(repeating: "garbage\n", count: 10_000)
        let errors = Fixture.errors(text)
        #expect(errors.count <= WireGuardParser.maximumErrors + 2)
        #expect(errors.contains { $0.contains("too many errors") })
    }

    @Test func ipv6MTUBelow1280IsRefused() {
        let errors = Fixture.errors(Fixture.minimal(interface: "Address = fd00::2/128\nMTU = 1200"))
        #expect(errors.contains { $0.contains("below 1280") })
    }

    @Test func endpointForms() {
        #expect(WireGuardValue.endpoint("198.51.100.7:51820") == nil)
        #expect(WireGuardValue.endpoint("vpn.example.net:443") == nil)
        #expect(WireGuardValue.endpoint("[2001:db8::1]:51820") == nil)
        #expect(WireGuardValue.endpoint("2001:db8::1:51820") != nil)
        #expect(WireGuardValue.endpoint("198.51.100.7") != nil)
        #expect(WireGuardValue.endpoint("198.51.100.7:0") != nil)
        #expect(WireGuardValue.endpoint("198.51.100.7:65536") != nil)
        #expect(WireGuardValue.endpoint("[::1]51820") != nil)
        #expect(WireGuardValue.endpoint(":51820") != nil)
    }

    @Test func keyShape() {
        #expect(WireGuardValue.key(Fixture.privateKey) == nil)
        #expect(WireGuardValue.key(String(Fixture.privateKey.dropLast())) != nil)
        #expect(WireGuardValue.key("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmB=") != nil, "last digit must carry 4 bits")
        #expect(WireGuardValue.key(String(repeating: "A", count: 43) + "=") == nil)
        #expect(WireGuardValue.key(String(repeating: "A", count: 42) + "!=") != nil)
    }

    @Test func keepaliveOffAndZeroMeanNone() throws {
        #expect(try Fixture.parse(Fixture.minimal(peer: "PersistentKeepalive = off")).peers[0].persistentKeepalive == nil)
        #expect(try Fixture.parse(Fixture.minimal(peer: "PersistentKeepalive = 0")).peers[0].persistentKeepalive == nil)
    }
}

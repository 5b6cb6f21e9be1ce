import Testing
@testable import JailKit

@Suite struct StatusTests {
    @Test func dumpSkipsTheInterfaceLineWithItsPrivateKey() {
        let dump = "PRIVATEKEY=\tPUBKEY=\t0\toff\n"
            + "peerkey=\t(none)\t198.51.100.7:51820\t0.0.0.0/0,::/0\t1764045000\t1234\t5678\toff\n"
            + "other=\t(none)\t(none)\t10.0.0.0/8\t0\t0\t0\t25\n"
        let peers = PeerState.parseDump(dump)
        #expect(peers.count == 2)
        #expect(peers[0] == PeerState(publicKey: "peerkey=", endpoint: "198.51.100.7:51820", latestHandshake: 1764045000, rxBytes: 1234, txBytes: 5678))
        #expect(peers[1].endpoint == nil && peers[1].latestHandshake == nil)
        #expect(!peers.contains { $0.publicKey.contains("PRIVATE") })
    }

    @Test func resolvConfListsServersAndSearchDomains() throws {
        let config: WireGuardConfig = try Fixture.parse(Fixture.wireguard)
        let text = ResolvConf(config).text(jail: "vpn_jail", source: "/etc/wireguard/p.conf")
        #expect(text.hasSuffix("nameserver 10.2.0.1\nnameserver fd00:2::1\nnameserver 10.2.0.53\nsearch corp.example\n"))
        #expect(ResolvConf.servers(in: text) == ["10.2.0.1", "fd00:2::1", "10.2.0.53"])
        let none = ResolvConf(servers: [], searchDomains: []).text(jail: "j", source: "s")
        #expect(ResolvConf.servers(in: none).isEmpty)
    }
}

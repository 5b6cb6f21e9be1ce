import Testing
@testable import JailKit

@Suite struct NATPMPTests {
    let udpRequest = NATPMP.mapRequest(.udp, internalPort: 40000, suggestedPort: 40000, lifetime: 60)

    /// A reply as a gateway sends it: version 0, opcode, result, epoch, rest.
    func reply(_ opcode: UInt8, result: UInt16 = 0, epoch: UInt32 = 1000, _ rest: [UInt8]) -> [UInt8] {
        [0, opcode] + NATPMP.bigEndian16(result) + NATPMP.bigEndian32(epoch) + rest
    }

    @Test func requestsHaveTheRFCLayout() {
        #expect(NATPMP.publicAddressRequest() == [0, 0])
        #expect(udpRequest == [0, 1, 0, 0, 0x9c, 0x40, 0x9c, 0x40, 0, 0, 0, 60])
        #expect(NATPMP.mapRequest(.tcp, internalPort: 1, suggestedPort: 0, lifetime: 60) == [0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 60])
        // Deletion: lifetime 0 and the suggested port must be 0 (RFC 6886 3.4).
        #expect(NATPMP.mapRequest(.udp, internalPort: 9, suggestedPort: 9, lifetime: 0) == [0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0])
    }

    @Test func parsesGrantedMapping() {
        let bytes = reply(129, NATPMP.bigEndian16(40000) + NATPMP.bigEndian16(40001) + NATPMP.bigEndian32(60))
        #expect(NATPMP.parse(bytes, answering: udpRequest)
                == .mapping(epoch: 1000, transport: .udp, internalPort: 40000, externalPort: 40001, lifetime: 60))
    }

    @Test func parsesPublicAddressAndErrors() {
        #expect(NATPMP.parse(reply(128, [203, 0, 113, 1]), answering: [0, 0]) == .publicAddress(epoch: 1000, address: [203, 0, 113, 1]))
        // An error may come as the 8-byte header or at full length.
        #expect(NATPMP.parse(reply(129, result: 2, []), answering: udpRequest) == .refused(epoch: 1000, code: .notAuthorized))
        #expect(NATPMP.parse(reply(128, result: 3, [0, 0, 0, 0]), answering: [0, 0]) == .refused(epoch: 1000, code: .networkFailure))
    }

    @Test func deletionRepliesOnlyAnswerDeletions() {
        let delete = NATPMP.mapRequest(.udp, internalPort: 40000, suggestedPort: 0, lifetime: 0)
        let deleted = reply(129, NATPMP.bigEndian16(40000) + [0, 0] + NATPMP.bigEndian32(0))
        #expect(NATPMP.parse(deleted, answering: delete) == .deleted(epoch: 1000, transport: .udp, internalPort: 40000))
        // The same bytes are no grant for a mapping request (no port, no lifetime).
        #expect(NATPMP.parse(deleted, answering: udpRequest) == nil)
        // A late grant is no answer to a deletion.
        let granted = reply(129, NATPMP.bigEndian16(40000) + NATPMP.bigEndian16(40000) + NATPMP.bigEndian32(60))
        #expect(NATPMP.parse(granted, answering: delete) == nil)
    }

    @Test func rejectsAnythingElse() {
        let good = reply(129, NATPMP.bigEndian16(40000) + NATPMP.bigEndian16(40000) + NATPMP.bigEndian32(60))
        var wrongVersion = good; wrongVersion[0] = 1
        var wrongOpcode = good; wrongOpcode[1] = 130            // a TCP answer to a UDP request
        var request = good; request[1] = 1                       // a request, not a reply
        var unknownResult = good; unknownResult[3] = 6
        var otherPort = good; otherPort[9] = 0x41                // about another internal port
        var noPort = good; noPort[10] = 0; noPort[11] = 0
        for bad in [wrongVersion, wrongOpcode, request, unknownResult, otherPort, noPort,
                    Array(good.dropLast()), good + [0], [], [0], Array(good.prefix(7))] {
            #expect(NATPMP.parse(bad, answering: udpRequest) == nil)
        }
        #expect(NATPMP.parse(reply(128, [203, 0, 113]), answering: [0, 0]) == nil)
        #expect(NATPMP.parse(reply(129, result: 2, [1, 2, 3]), answering: udpRequest) == nil)
    }

    /// Every byte string up to 16 bytes long over a few values: no crash,
    /// and anything accepted has the length the RFC gives.
    @Test func neverTrapsOnShortGarbage() {
        let values: [UInt8] = [0, 1, 2, 128, 129, 130, 255]
        var input: [UInt8] = []
        for length in 0...16 {
            for seed in 0..<200 {
                input = (0..<length).map { values[($0 * 7 + seed * 13 + $0 * seed) % values.count] }
                if let parsed = NATPMP.parse(input, answering: udpRequest) {
                    if case .mapping = parsed { #expect(input.count == 16) }
                }
            }
        }
    }

    @Test func epochNoticesARestart() {
        var epoch = NATPMPEpoch()
        let seen = [(1000, 0.0), (1030, 30), (1056, 60), (5, 90), (35, 120)].map { epoch.observe($0.0, now: $0.1) }
        // As expected; a slow gateway clock (26 of our 30 s is enough); back
        // to the start (state lost); then counting again.
        #expect(seen == [false, false, false, true, false])
    }

    @Test func configKeys() throws {
        let config = try JailConfig.parse(text: """
            [proton]
            wireguard = /etc/wireguard/proton0.conf
            port-forward = natpmp
            port-forward-gateway = 10.2.0.1
            port-forward-lifetime = 60
            port-forward-hook = /usr/libexec/netns-jail/qbittorrent-port --url http://127.0.0.1:8080
            port-forward-user = alice
            port-forward-hook-timeout = 20
            [plain]
            wireguard = /etc/wireguard/other.conf
            """, file: "/etc/netns-jail.conf")
        let forward = try #require(config.jails[0].portForward)
        #expect(forward.gateway?.description == "10.2.0.1")
        #expect(forward.hook == ["/usr/libexec/netns-jail/qbittorrent-port", "--url", "http://127.0.0.1:8080"])
        #expect(forward.hookUser == "alice" && forward.hookTimeout == 20 && forward.lifetime == 60)
        #expect(config.jails[1].portForward == nil)
    }

    @Test func configRefusals() {
        func errors(_ lines: String) -> [String] {
            do { _ = try JailConfig.parse(text: "[j]\nwireguard = /etc/wireguard/j.conf\n" + lines, file: "f"); return [] }
            catch { return error.diagnostics.map(\.description) }
        }
        #expect(errors("port-forward = upnp") == ["f:3: port-forward takes 'natpmp' (the only method there is)"])
        #expect(errors("port-forward = natpmp\nport-forward-gateway = fd00::1")
                == ["f:4: port-forward-gateway must be an IPv4 address such as 10.2.0.1 (NAT-PMP is IPv4 only)"])
        #expect(errors("port-forward = natpmp\nport-forward-lifetime = 2")
                == ["f:4: port-forward-lifetime must be a number of seconds from 4 to 86400"])
        #expect(errors("port-forward = natpmp\nport-forward-hook = hook.sh\nport-forward-user = a").first?
                    .hasPrefix("f:4: port-forward-hook must start with an absolute path") == true)
        #expect(errors("port-forward = natpmp\nport-forward-hook = /bin/hook\nport-forward-user = root")
                == ["f:5: port-forward-user must name an unprivileged user (the hook never runs as root)"])
        #expect(errors("port-forward = natpmp\nport-forward-hook = /bin/hook")
                == ["f:1: [j]: port-forward-hook needs 'port-forward-user = NAME' (the hook never runs as root)"])
        #expect(errors("port-forward-lifetime = 60")
                == ["f:1: [j]: port-forward-* keys need 'port-forward = natpmp' in the same section"])
        #expect(errors("port-forward = natpmp\nport-forward = natpmp") == ["f:4: port-forward appears twice in this section"])
    }

    @Test func recordRoundTripsAndRejectsJunk() {
        let record = PortForwardRecord(port: 40000, lease: 60, renewed: 1_700_000_000, publicAddress: "203.0.113.1",
                                       error: "the gateway did not answer\n(5 tries)")
        let parsed = PortForwardRecord.parse(Array(record.text.utf8))
        #expect(parsed?.port == 40000 && parsed?.lease == 60 && parsed?.renewed == 1_700_000_000)
        #expect(parsed?.error == "the gateway did not answer (5 tries)")
        #expect(parsed?.live(now: 1_700_000_030) == true)
        #expect(parsed?.live(now: 1_700_000_061) == false)
        #expect(PortForwardRecord.parse(Array("port=70000\nlease=60\nrenewed=1\n".utf8))?.port == nil)
        #expect(PortForwardRecord.parse(Array("garbage".utf8)) == nil)
        #expect(PortForwardRecord.parse([]) == nil)
    }
}

import Testing
@testable import JailKit

/// OpenVPNLive.parse: OpenVPN's answers to `state` and `status` on the
/// management socket, as OpenVPN 2.6 writes them (CRLF, real-time lines
/// between), and what a reply that is not that gives.
@Suite struct OpenVPNManagementTests {
    private func bytes(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\r\n" }.joined().utf8) }

    private let connected = [
        ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
        "1796695756,CONNECTED,SUCCESS,198.51.100.130,192.0.2.1,1194,,,fd00:5e::102",
        "END",
        ">BYTECOUNT:10,20",
        "OpenVPN STATISTICS",
        "Updated,2026-12-08 02:09:22",
        "TUN/TAP read bytes,1000",
        "TUN/TAP write bytes,2000",
        "TCP/UDP read bytes,4242",
        "TCP/UDP write bytes,3131",
        "Auth read bytes,0",
        "END",
    ]

    @Test func readsStateServerAndCounters() {
        let live = OpenVPNLive.parse(bytes(connected))
        #expect(live?.state == "CONNECTED")
        #expect(live?.since == 1796695756)
        #expect(live?.server == "192.0.2.1:1194")
        #expect(live?.received == 4242)
        #expect(live?.sent == 3131)
    }

    @Test func aStateBeforeTheServerIsKnownHasNoServer() {
        let live = OpenVPNLive.parse(bytes(["1796695756,CONNECTING,,,,,,", "END", "END"]))
        #expect(live?.state == "CONNECTING")
        #expect(live?.server == nil)
        #expect(live?.received == nil)
    }

    @Test func anIPv6ServerIsBracketed() {
        let live = OpenVPNLive.parse(bytes(["1,CONNECTED,SUCCESS,,2001:db8::1,443,,,", "END"]))
        #expect(live?.server == "[2001:db8::1]:443")
    }

    /// What the other end sends is not trusted: an unknown state, a
    /// server that is no address, a port out of range, counters that are
    /// no numbers.
    @Test func refusesWhatIsNotOpenVPNs() {
        #expect(OpenVPNLive.parse(bytes(["1,OWNED,x,,192.0.2.1,1194,,,", "END"])) == nil)
        #expect(OpenVPNLive.parse(bytes(["x,CONNECTED,SUCCESS,,192.0.2.1,1194,,,", "END"])) == nil)
        #expect(OpenVPNLive.parse(bytes(["1,CONNECTED,SUCCESS,,evil.example;rm,1194,,,"]))?.server == nil)
        #expect(OpenVPNLive.parse(bytes(["1,CONNECTED,SUCCESS,,192.0.2.1,70000,,,"]))?.server == nil)
        let live = OpenVPNLive.parse(bytes(["1,CONNECTED,SUCCESS,,192.0.2.1,1194,,,", "TCP/UDP read bytes,-5", "TCP/UDP write bytes,1e9"]))
        #expect(live?.received == nil)
        #expect(live?.sent == nil)
        #expect(OpenVPNLive.parse([]) == nil)
    }
}

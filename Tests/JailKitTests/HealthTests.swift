import Foundation
import NetnsPolicy
import Testing
@testable import JailKit

/// verify's and status's judgements on made-up jail states, and the
/// /etc/netns/NAME rules on real files.
@Suite struct HealthTests {
    let paths = JailPaths(name: NamespaceName("vpn_jail")!, interface: InterfaceName("proton0")!)

    func config(keepalive: String = "") throws -> WireGuardConfig {
        try Fixture.parse(Fixture.minimal(interface: "DNS = 10.2.0.1", peer: "Endpoint = 198.51.100.7:51820\n\(keepalive)"))
    }

    func state(links: [JailInspection.Link]? = nil, peers: [PeerState]? = nil, inHost: Bool = false,
               wireguardGo: Int32? = nil, pidFile: Bool = false) -> JailInspection {
        JailInspection(
            paths: paths, namespaceExists: true,
            links: links ?? [.init(name: "lo", isUp: true), .init(name: "proton0", isUp: true)],
            tunnelAddresses: ["10.2.0.2/32"], defaultRoutes4: ["proton0"], defaultRoutes6: [],
            liveRuleset: KillSwitch(tunnel: paths.interface).ruleset,
            peers: peers ?? [PeerState(publicKey: Fixture.publicKey, endpoint: "198.51.100.7:51820", latestHandshake: 1000, rxBytes: 0, txBytes: 0)],
            resolvConf: "nameserver 10.2.0.1\n", liveResolvConf: "nameserver 10.2.0.1\n", etcProblems: [], tunnelInHostNamespace: inHost,
            processes: [], wireguardGoPID: wireguardGo, pidFileExists: pidFile)
    }

    @Test func aCompleteJailHasNoBreach() throws {
        let config = try config()
        #expect(JailVerification.structural(state(), config: config).isEmpty)
    }

    /// The live resolv.conf running programs read must be the jail's: a
    /// missing or stale one is repaired like a missing /etc/netns file.
    @Test func aMissingOrStaleLiveResolvConfIsARepairableBreach() throws {
        let config = try config()
        var missing = state()
        missing.liveResolvConf = nil
        var stale = state()
        stale.liveResolvConf = "nameserver 10.9.9.9\n"
        let live = "/run/netns-jail/vpn_jail/resolv.conf"
        #expect(JailVerification.structural(missing, config: config) == [.init(text: "\(live), which programs already running in the jail read, is missing", repairable: true)])
        #expect(JailVerification.structural(stale, config: config) == [.init(text: "\(live), which programs already running in the jail read, is not the same as /etc/netns/vpn_jail/resolv.conf", repairable: true)])
    }

    @Test func aKeepaliveLeftByAKilledUpIsARepairableBreach() throws {
        let peers = [PeerState(publicKey: Fixture.publicKey, endpoint: "198.51.100.7:51820", latestHandshake: 1000,
                               rxBytes: 0, txBytes: 0, persistentKeepalive: 1)]
        let found = JailVerification.structural(state(peers: peers), config: try config())
        #expect(found.map(\.text) == ["peer \(Fixture.publicKey) has persistent keepalive 1 s, the config says off (left by an interrupted up)"])
        #expect(found.allSatisfy { $0.repairable })
        let withKeepalive = try config(keepalive: "PersistentKeepalive = 1")
        #expect(JailVerification.structural(state(peers: peers), config: withKeepalive).isEmpty)
    }

    @Test func aTunnelLeftOutsideIsNamed() throws {
        let found = JailVerification.structural(state(links: [.init(name: "lo", isUp: true)], inHost: true, wireguardGo: 4242, pidFile: true),
                                                config: try config()).map(\.text)
        #expect(found.contains("tunnel proton0 is in the host's namespace, not the jail (left by an interrupted up)"))
        #expect(found.contains("wireguard-go (PID 4242) runs for proton0, but proton0 is not in the jail"))
    }

    @Test func aForeignInterfaceIsNotRepairable() throws {
        let links: [JailInspection.Link] = [.init(name: "lo", isUp: true), .init(name: "proton0", isUp: true), .init(name: "veth0", isUp: true)]
        let found = JailVerification.structural(state(links: links), config: try config())
        #expect(found.count == 1 && !found[0].repairable && found[0].text.contains("veth0"))
    }

    @Test func handshakesOlderThanTheLimitAreStale() {
        let s = state()
        #expect(JailVerification.staleHandshakes(s, maxAge: 180, now: 1000 + 180).isEmpty)
        #expect(JailVerification.staleHandshakes(s, maxAge: 180, now: 1000 + 181) ==
                ["last handshake with peer \(Fixture.publicKey) (198.51.100.7:51820) was 181 seconds ago, more than 180"])
        let never = state(peers: [PeerState(publicKey: "k=", endpoint: "198.51.100.7:1", latestHandshake: nil, rxBytes: 0, txBytes: 0)])
        #expect(JailVerification.staleHandshakes(never, maxAge: 180, now: 5).count == 1)
        let roaming = state(peers: [PeerState(publicKey: "k=", endpoint: nil, latestHandshake: nil, rxBytes: 0, txBytes: 0)])
        #expect(JailVerification.staleHandshakes(roaming, maxAge: 180, now: 5).isEmpty)
    }

    @Test func dumpKeepaliveIsParsed() {
        let dump = "PRIV\tPUB\t0\toff\nA=\t(none)\t192.0.2.1:1\t0.0.0.0/0\t0\t0\t0\t25\nB=\t(none)\t(none)\t::/0\t0\t0\t0\toff\n"
        #expect(PeerState.parseDump(dump).map(\.persistentKeepalive) == [25, nil])
    }

    @Test func handshakeAgeIsAJailKey() throws {
        let config = try JailConfig.parse(text: "[a]\nwireguard = /etc/wireguard/a.conf\nhandshake-age = 300\n[b]\nwireguard = /etc/wireguard/b.conf\n", file: "f")
        #expect(config.jails.map(\.handshakeAge) == [300, 180])
        do {
            _ = try JailConfig.parse(text: "[a]\nwireguard = /etc/wireguard/a.conf\nhandshake-age = 5\n", file: "f")
            Issue.record("handshake-age = 5 was accepted")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["f:3: handshake-age must be a number of seconds from 10 to 86400"])
        }
    }

    @Test func etcNetnsRulesAreTheLaunchers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nj-etc-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.createFile(atPath: dir + "/resolv.conf", contents: Data("x".utf8), attributes: [.posixPermissions: 0o664]))
        try FileManager.default.createSymbolicLink(atPath: dir + "/hosts", withDestinationPath: "/etc/hosts")
        #expect(FileManager.default.createFile(atPath: dir + "/big", contents: Data(count: 65 * 1024), attributes: [.posixPermissions: 0o644]))
        #expect(FileManager.default.createFile(atPath: dir + "/nsswitch.conf", contents: Data("hosts: files dns\n".utf8), attributes: [.posixPermissions: 0o644]))
        let found = EtcNetnsRules.problems(directory: dir)
        #expect(found.contains("\(dir)/resolv.conf is writable by group or other; as root run: chmod go-w \(dir)/resolv.conf"))
        #expect(found.contains { $0.hasPrefix("\(dir)/hosts is a symbolic link") })
        #expect(found.contains { $0.hasPrefix("\(dir)/big is larger than 65536 bytes") })
        #expect(found.contains("\(dir)/nsswitch.conf is refused by netns-exec, which writes the jail's own (only files and the jail's DNS); remove it"))
        #expect(EtcNetnsRules.problems(directory: dir + "/missing").isEmpty)
    }
}

@Suite struct EndpointResolverTests {
    @Test func onlyHostNamesAreResolvedAgain() {
        #expect(EndpointResolver.hostName(in: "198.51.100.7:51820") == nil)
        #expect(EndpointResolver.hostName(in: "[2001:db8::1]:51820") == nil)
        #expect(EndpointResolver.hostName(in: "vpn.example:51820").map { "\($0.host) \($0.port)" } == "vpn.example 51820")
        #expect(EndpointResolver.resolve("198.51.100.7:51820") == nil)
        #expect(EndpointResolver.resolve("localhost:51820").map { $0 == "127.0.0.1:51820" || $0 == "[::1]:51820" } ?? true)
    }
}

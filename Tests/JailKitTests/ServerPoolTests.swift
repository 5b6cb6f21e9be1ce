import Testing
@testable import JailKit

@Suite struct ServerPoolTests {
    func parse(_ text: String) throws -> JailDefinition {
        try #require(try JailConfig.parse(text: text, file: "/etc/netns-jail.conf").jails.first)
    }

    func errors(_ text: String) -> [String] {
        do { _ = try JailConfig.parse(text: text, file: "/etc/netns-jail.conf"); return [] }
        catch { return error.diagnostics.map(\.description) }
    }

    @Test func severalLinesAndFilesMakeAPool() throws {
        let jail = try parse("""
            [p]
            wireguard = /etc/wireguard/a.conf /etc/wireguard/b.conf
            wireguard = /etc/wireguard/c.conf
            server-choice = random
            server-rotate = 3600
            fail-after = 20
            probe = 10.2.0.1
            """)
        #expect(jail.servers == ["/etc/wireguard/a.conf", "/etc/wireguard/b.conf", "/etc/wireguard/c.conf"])
        #expect(jail.wireguard == "/etc/wireguard/a.conf")
        #expect(jail.interface.value == "a")
        #expect(jail.pool.choice == .random)
        #expect(jail.pool.rotate == 3600)
        #expect(jail.health.failAfter == 20)
        #expect(jail.health.probe == IPAddress("10.2.0.1"))
    }

    @Test func oneServerKeepsTheDefaults() throws {
        let jail = try parse("[p]\nwireguard = /etc/wireguard/a.conf\n")
        #expect(jail.servers == ["/etc/wireguard/a.conf"])
        #expect(jail.pool == PoolSettings())
        #expect(jail.health.failAfter == HealthSettings.defaultFailAfter)
    }

    @Test func malformedPoolLinesAreRefused() {
        #expect(errors("[p]\nwireguard = /etc/wireguard/a.conf relative.conf").contains("/etc/netns-jail.conf:2: wireguard must be an absolute path such as /etc/wireguard/proton0.conf"))
        #expect(errors("[p]\nwireguard = /etc/wireguard/a.conf\nwireguard = /etc/wireguard/a.conf").contains("/etc/netns-jail.conf:3: /etc/wireguard/a.conf is listed twice in this section"))
        #expect(errors("[p]\nwireguard = /a.conf /b.conf\nserver-choice = fastest").contains("/etc/netns-jail.conf:3: server-choice takes in-order or random"))
        #expect(errors("[p]\nwireguard = /a.conf /b.conf\nserver-rotate = 5").contains { $0.hasPrefix("/etc/netns-jail.conf:3: server-rotate must be") })
        #expect(errors("[p]\nwireguard = /a.conf\nfail-after = 2").contains { $0.hasPrefix("/etc/netns-jail.conf:3: fail-after must be") })
        #expect(errors("[p]\nwireguard = /a.conf\nprobe = vpn.example").contains { $0.hasPrefix("/etc/netns-jail.conf:3: probe must be") })
        #expect(errors("[p]\nwireguard = /a.conf /b.conf\nport-forward-required = yes").contains { $0.contains("need 'port-forward = natpmp'") })
    }

    /// The pool's, the probe's and port forwarding's keys are read by one
    /// rule (SectionSettings, SettingValue): each once per section, and
    /// their values in the same words.
    @Test func everyGroupOfKeysIsReadAlike() {
        let section = "[p]\nwireguard = /a.conf /b.conf\nport-forward = natpmp\n"
        for line in ["server-rotate = 60", "fail-after = 10", "port-forward-lifetime = 60", "port-forward-required = yes"] {
            let key = line.split(separator: " ")[0]
            #expect(errors(section + line + "\n" + line).contains("/etc/netns-jail.conf:5: \(key) appears twice in this section"))
        }
        #expect(errors(section + "server-rotate = 700000").contains("/etc/netns-jail.conf:4: server-rotate must be a number of seconds from 10 to 604800 (a week)"))
        #expect(errors(section + "fail-after = x").contains("/etc/netns-jail.conf:4: fail-after must be a number of seconds from 3 to 3600"))
        #expect(errors(section + "port-forward-hook-timeout = 0").contains("/etc/netns-jail.conf:4: port-forward-hook-timeout must be a number of seconds from 1 to 3600"))
        #expect(errors(section + "handshake-age = 5").contains("/etc/netns-jail.conf:4: handshake-age must be a number of seconds from 10 to 86400"))
        #expect(errors(section + "port-forward-required = maybe").contains("/etc/netns-jail.conf:4: port-forward-required takes yes or no"))
        #expect(errors("[p]\nwireguard = /a.conf\nport-forward = upnp").contains("/etc/netns-jail.conf:3: port-forward takes 'natpmp' (the only method there is)"))
    }

    @Test func nextSkipsServersThatFailedThisRound() {
        let servers = ["/a", "/b", "/c"]
        var record = PoolRecord(active: "/a", since: 100, reason: "")
        record.roundStart = 50
        record.results["/a"] = .init(outcome: .failed, at: 100, detail: "silent")
        #expect(ServerPool.next(after: "/a", in: servers, record: record) == "/b")
        record.results["/b"] = .init(outcome: .failed, at: 90, detail: "silent")
        #expect(ServerPool.next(after: "/a", in: servers, record: record) == "/c")
        record.results["/c"] = .init(outcome: .failed, at: 110, detail: "silent")
        #expect(ServerPool.next(after: "/a", in: servers, record: record) == nil)
        // A new round: failures before it no longer count.
        record.roundStart = 120
        #expect(ServerPool.next(after: "/c", in: servers, record: record) == "/a")
    }

    @Test func backoffDoublesUpToFiveMinutes() {
        #expect(ServerPool.backoff(rounds: 1, failAfter: 6) == 6)
        #expect(ServerPool.backoff(rounds: 3, failAfter: 6) == 24)
        #expect(ServerPool.backoff(rounds: 40, failAfter: 30) == 300)
    }

    @Test func recordsRoundTrip() {
        var record = PoolRecord(active: "/etc/wireguard/b.conf", since: 1700, reason: "/etc/wireguard/a.conf failed: no reply\nsecond line")
        record.allFailed = true
        record.retryAt = 1800
        record.failedRounds = 2
        record.roundStart = 1650
        record.results["/etc/wireguard/a.conf"] = .init(outcome: .failed, at: 1699, detail: "no reply through the tunnel")
        record.results["/etc/wireguard/b.conf"] = .init(outcome: .ok, at: 1701, detail: "")
        let parsed = PoolRecord.parse(Array(record.text.utf8))
        record.reason = "/etc/wireguard/a.conf failed: no reply second line"
        #expect(parsed == record)
        #expect(PoolRecord.parse(Array("garbage".utf8)) == nil)

        let probe = ProbeRecord(target: "10.2.0.1", since: 10, lastReply: 20, lastAttempt: 25, failAfter: 6, error: "no reply within 1.2 s")
        #expect(ProbeRecord.parse(Array(probe.text.utf8)) == probe)
        #expect(probe.failed(now: 26) == false)
        #expect(probe.failed(now: 27) == true)
        #expect(ProbeRecord(target: "10.2.0.1", since: 10, lastReply: 0, lastAttempt: 12, failAfter: 6, error: nil).failed(now: 17))
    }

    @Test func probeRepliesMustMatch() {
        let query = DNSProbe.query(id: 0xBEEF)
        #expect(query.count == 17 && query[0] == 0xBE && query[1] == 0xEF)
        var reply = query
        reply[2] |= 0x80
        #expect(DNSProbe.answers(reply, id: 0xBEEF))
        #expect(!DNSProbe.answers(query, id: 0xBEEF))       // not an answer
        #expect(!DNSProbe.answers(reply, id: 0xBEEE))       // another query's
        #expect(!DNSProbe.answers(Array(reply.prefix(11)), id: 0xBEEF))
    }
}

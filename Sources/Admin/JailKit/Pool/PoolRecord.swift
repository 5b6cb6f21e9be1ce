import Glibc

/// Which server of a pool a jail uses, since when and why, and what each
/// server last did: /run/netns-jail/NAME.pool, written under the jail's
/// lock by `up` and the supervisor, replaced by rename. Every command
/// reads the server in use from here (ServerPool.jails); `status` shows
/// all of it.
///
///     active=/etc/wireguard/b.conf
///     since=1765148400
///     reason=/etc/wireguard/a.conf failed: no reply through the tunnel ...
///     all-failed=0
///     retry-at=0
///     failed-rounds=0
///     round-start=1765148300
///     server=ok 1765148460 /etc/wireguard/b.conf
///     server=failed 1765148399 /etc/wireguard/a.conf no reply through ...
public struct PoolRecord: Sendable, Equatable {
    public struct Result: Sendable, Equatable, Codable {
        public enum Outcome: String, Sendable, Codable { case ok, failed }
        public var outcome: Outcome
        /// Wall-clock time it was seen.
        public var at: Int
        /// Why it failed; empty when it answered.
        public var detail: String
    }

    public var active: String
    public var since: Int
    public var reason: String
    /// Every server failed in the last round; the supervisor waits
    /// (`retryAt`) before trying them again, and the jail stays closed.
    public var allFailed = false
    public var retryAt = 0
    /// The consecutive rounds in which every server failed (the backoff).
    public var failedRounds = 0
    /// When the current round of tries began: a failure before it does not
    /// rule a server out (ServerPool.next).
    public var roundStart = 0
    public var results: [String: Result] = [:]

    public init(active: String, since: Int, reason: String) {
        self.active = active
        self.since = since
        self.reason = reason
    }

    var text: String {
        var out = "active=\(active)\nsince=\(since)\nreason=\(PortForwardRecord.oneLine(reason))\n"
        out += "all-failed=\(allFailed ? 1 : 0)\nretry-at=\(retryAt)\nfailed-rounds=\(failedRounds)\nround-start=\(roundStart)\n"
        for (path, result) in results.sorted(by: { $0.key < $1.key }) {
            out += "server=\(result.outcome.rawValue) \(result.at) \(path)"
            if !result.detail.isEmpty { out += " \(PortForwardRecord.oneLine(result.detail))" }
            out += "\n"
        }
        return out
    }

    /// Paths in netns-jail.conf hold no blanks (JailConfig splits on them),
    /// so a server line is outcome, time, path, then free text.
    static func parse(_ bytes: [UInt8]) -> PoolRecord? {
        var values: [String: String] = [:]
        var results: [String: Result] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = string(line[line.startIndex..<eq]), value = string(line[line.index(after: eq)...])
            if key == "server" {
                let words = value.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard words.count >= 3, let outcome = Result.Outcome(rawValue: words[0]), let at = Int(words[1]) else { return nil }
                results[words[2]] = Result(outcome: outcome, at: at, detail: words.count > 3 ? words[3] : "")
            } else {
                values[key] = value
            }
        }
        guard let active = values["active"], active.hasPrefix("/"), let since = values["since"].flatMap({ Int($0) }) else { return nil }
        var record = PoolRecord(active: active, since: since, reason: values["reason"] ?? "")
        record.allFailed = values["all-failed"] == "1"
        record.retryAt = values["retry-at"].flatMap { Int($0) } ?? 0
        record.failedRounds = values["failed-rounds"].flatMap { Int($0) } ?? 0
        record.roundStart = values["round-start"].flatMap { Int($0) } ?? 0
        record.results = results
        return record
    }

    public static func read(_ paths: JailPaths) -> PoolRecord? {
        parse(readSmallFile(paths.poolFile, limit: 65536))
    }

    func write(_ paths: JailPaths) {
        PortForwardRecord.replace(paths.poolFile, with: text)
    }

    static func remove(_ paths: JailPaths) {
        unlink(paths.poolFile)
    }
}

extension PoolRecord {
    /// `up` built, repaired or switched a pool's jail onto `jail.wireguard`:
    /// the record says so (a switch is one syslog line), keeping each
    /// server's last result. The caller holds the jail's lock.
    public static func noteInUse(_ jail: JailDefinition, reason: String, now: Int) {
        guard jail.servers.count > 1 else { return }
        let paths = JailPaths(name: jail.name, interface: jail.interface)
        let before = read(paths)
        if let before, before.active == jail.wireguard { return }
        var record = before ?? PoolRecord(active: jail.wireguard, since: now, reason: reason)
        record.results = record.results.filter { jail.servers.contains($0.key) }
        if let before {
            SystemLog.info("\(jail.name): switched server from \(before.active) to \(jail.wireguard): \(reason)")
        }
        record.active = jail.wireguard
        record.since = now
        record.reason = reason
        record.allFailed = false
        record.write(paths)
    }
}

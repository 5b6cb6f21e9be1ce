import Glibc

/// What the supervisor's tunnel probe (TunnelProber) last saw, in
/// /run/netns-jail/NAME.probe, one `key=value` a line, replaced by rename.
/// `status` judges the jail from it: silent for more than `failAfter`
/// seconds is unhealthy, whatever the handshake age says.
public struct ProbeRecord: Sendable, Equatable, Codable {
    /// The resolver probed through the tunnel.
    public var target: String
    /// Wall-clock times: probing of this target began, its last reply
    /// (0: none yet), the last attempt.
    public var since: Int
    public var lastReply: Int
    public var lastAttempt: Int
    public var failAfter: Int
    /// The last attempt's failure; nil when it was answered.
    public var error: String?

    /// Seconds of silence: since the last reply, or since probing began.
    public func silence(now: Int) -> Int { max(0, now - (lastReply > 0 ? lastReply : since)) }

    /// More than `failAfter` seconds without a reply.
    public func failed(now: Int) -> Bool { silence(now: now) > failAfter }

    /// The sentence `status` gives when it failed.
    public func problem(now: Int) -> String {
        let heard = lastReply > 0 ? "for \(silence(now: now)) seconds" : "since probing began \(silence(now: now)) seconds ago"
        return "no reply through the tunnel from \(target) \(heard) (fail-after \(failAfter)): \(error ?? "no reply yet")"
    }

    var text: String {
        "target=\(target)\nsince=\(since)\nreply=\(lastReply)\nattempt=\(lastAttempt)\nfail-after=\(failAfter)\nerror=\(error.map(PortForwardRecord.oneLine) ?? "")\n"
    }

    static func parse(_ bytes: [UInt8]) -> ProbeRecord? {
        var values: [String: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            values[string(line[line.startIndex..<eq])] = string(line[line.index(after: eq)...])
        }
        guard let target = values["target"], IPAddress(target) != nil,
              let since = values["since"].flatMap({ Int($0) }), let reply = values["reply"].flatMap({ Int($0) }),
              let attempt = values["attempt"].flatMap({ Int($0) }), let failAfter = values["fail-after"].flatMap({ Int($0) }) else { return nil }
        let error = values["error"].flatMap { $0.isEmpty ? nil : $0 }
        return ProbeRecord(target: target, since: since, lastReply: reply, lastAttempt: attempt, failAfter: failAfter, error: error)
    }

    public static func read(_ paths: JailPaths) -> ProbeRecord? {
        parse(readSmallFile(paths.probeFile, limit: 4096))
    }

    func write(_ paths: JailPaths) {
        PortForwardRecord.replace(paths.probeFile, with: text)
    }

    static func remove(_ paths: JailPaths) {
        unlink(paths.probeFile)
    }
}

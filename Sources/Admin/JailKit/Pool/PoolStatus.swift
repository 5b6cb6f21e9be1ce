/// One server of a pool, as `status` shows it.
public struct PoolServerStatus: Sendable, Codable {
    public let file: String
    public let inUse: Bool
    /// "ok", "failed", or "untried"; `checked` is when (0: never).
    public let result: String
    public let checked: Int
    public let detail: String?
}

/// A pool as `status` shows it (and `status --json` prints it).
public struct PoolStatus: Sendable, Codable {
    public let servers: [PoolServerStatus]
    public let inUse: String
    /// When it was put in use, and why.
    public let since: Int
    public let reason: String
    /// Every server failed in the last round: the jail is closed until one
    /// answers; the supervisor tries them again at `retryAt`.
    public let allFailed: Bool
    public let retryAt: Int?

    init(jail: JailDefinition, record: PoolRecord?) {
        inUse = jail.wireguard
        since = record?.since ?? 0
        reason = record?.reason ?? "no record yet"
        allFailed = record?.allFailed ?? false
        retryAt = allFailed ? record?.retryAt : nil
        servers = jail.servers.map { file in
            let result = record?.results[file]
            return PoolServerStatus(file: file, inUse: file == jail.wireguard, result: result?.outcome.rawValue ?? "untried",
                          checked: result?.at ?? 0, detail: result.flatMap { $0.detail.isEmpty ? nil : $0.detail })
        }
    }

    /// Why the jail is unhealthy, when the pool is the reason.
    func problem(now: Int) -> String? {
        guard allFailed else { return nil }
        let wait = retryAt.map { " in \(max(0, $0 - now)) seconds" } ?? ""
        return "every server of its pool failed (\(servers.count) servers); the jail stays closed, and its supervisor tries them again\(wait)"
    }

    func text(now: Int) -> String {
        var out = "  server:      \(inUse) since \(max(0, now - since)) seconds (\(reason))\n"
        for server in servers {
            let seen = server.checked > 0 ? " \(max(0, now - server.checked)) seconds ago" : ""
            out += "    \(server.inUse ? "*" : "-") \(server.file): \(server.result)\(seen)\(server.detail.map { ": \($0)" } ?? "")\n"
        }
        return out
    }
}

/// The decisions of a pool, without side effects (ServerSwitch makes them
/// happen): which server `up` starts with, which one follows a failure,
/// and how long to wait when every server has failed.
public enum ServerPool {
    /// The order `up` tries a new jail's servers in.
    public static func startOrder(_ jail: JailDefinition) -> [String] {
        switch jail.pool.choice {
        case .inOrder: jail.servers
        case .random: jail.servers.shuffled()
        }
    }

    /// The server after `current` (in the list's order, wrapping) that has
    /// not failed since `record.roundStart`; nil when every one has.
    /// `current` itself comes last, so a pool of one retries itself.
    static func next(after current: String, in servers: [String], record: PoolRecord) -> String? {
        let start = (servers.firstIndex(of: current) ?? -1) + 1
        let cycle = (0..<servers.count).map { servers[(start + $0) % servers.count] }
        return cycle.first { path in
            guard let result = record.results[path] else { return true }
            return result.outcome == .ok || result.at < record.roundStart
        }
    }

    /// The jails of the configuration file at `path`, each pool's on the
    /// server its record names (JailDefinition.inUse): what every command
    /// and the supervisor work with.
    public static func jails(at path: String) throws(JailError) -> JailConfig {
        let parsed = try ConfigLoader.jails(at: path)
        return JailConfig(jails: parsed.jails.map { jail in
            jail.servers.count > 1 ? jail.inUse(PoolRecord.read(JailPaths(name: jail.name, interface: jail.interface))) : jail
        })
    }

    /// Seconds to wait after the `rounds`-th round in which every server
    /// failed: fail-after, doubled each round, at most five minutes.
    static func backoff(rounds: Int, failAfter: Int) -> Int {
        min(300, failAfter << min(max(rounds - 1, 0), 8))
    }
}

extension JailDefinition {
    /// The same jail on `server`, one of its `servers`.
    public func on(server: String) -> JailDefinition {
        var copy = self
        copy.wireguard = server
        return copy
    }

    /// Its pool's server in use, as recorded (PoolRecord); the first
    /// server when there is no record or the recorded one has left the
    /// pool (`up` then moves the jail to it).
    func inUse(_ record: PoolRecord?) -> JailDefinition {
        guard servers.count > 1, let record else { return self }
        return on(server: servers.contains(record.active) ? record.active : servers[0])
    }
}

import Glibc

/// Moves a running jail to another server of its pool, in the namespace
/// it has: only the tunnel's peer changes (keys, endpoint and, where the
/// servers differ, addresses and DNS), by the same code that applies a
/// live edit (JailBuilder with LiveEdit, then the repairs that add the new
/// addresses and rewrite resolv.conf). The kill switch is never touched:
/// it lets packets out through the tunnel's interface only, and that
/// interface stays, so while the peer changes a packet is either carried
/// by the old peer, the new one, or dropped (no peer for it): nothing
/// leaves outside the tunnel. The caller holds the jail's lock.
public struct ServerSwitch {
    public let jail: JailDefinition

    public init(jail: JailDefinition) {
        self.jail = jail
    }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// Puts `server` in use and records why; the jail's definition on
    /// that server is returned. Throws, with the jail as the build left
    /// it (sealed), when the server's file cannot be read or applied.
    @discardableResult
    public func perform(to server: String, reason: String, record: PoolRecord?, now: Int) throws(JailError) -> PoolRecord {
        precondition(jail.servers.contains(server), "a switch to a server outside the pool")
        let target = jail.on(server: server)
        let config = try ConfigLoader.wireguard(for: target, warn: false)
        var builder = JailBuilder(jail: target, config: config)
        // The probe judges the new peer (fail-after); waiting here for
        // its handshake would hold the lock for nothing.
        builder.handshakeTimeout = 0
        _ = try builder.up()
        var updated = record ?? PoolRecord(active: server, since: now, reason: reason)
        let from = updated.active
        updated.active = server
        updated.since = now
        updated.reason = reason
        updated.write(paths)
        SystemLog.info("\(jail.name): switched server \(from == server ? "to" : "from \(from) to") \(server): \(reason)")
        return updated
    }
}

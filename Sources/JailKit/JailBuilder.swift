import Foundation

/// `netns-jail up`: builds one jail in the order DESIGN.md gives, failing
/// closed. Each step registers its undo before the next one starts; if any
/// step throws, the rollback removes the namespace, the interface, the
/// wireguard-go process and /etc/netns/NAME (if this run created it).
public struct JailBuilder {
    public enum Outcome: Sendable { case alreadyHealthy, built(WireGuardImplementation) }

    public let jail: JailDefinition
    public let config: WireGuardConfig
    public var forceUserspace = false
    /// Seconds to wait for a handshake with every peer that has an endpoint;
    /// 0 skips the check.
    public var handshakeTimeout = 15.0

    public init(jail: JailDefinition, config: WireGuardConfig) {
        self.jail = jail
        self.config = config
    }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    public func up() throws(JailError) -> Outcome {
        let name = jail.name.value, iface = jail.interface.value
        if FileManager.default.fileExists(atPath: paths.namespaceFile) {
            let breaches = JailVerification.breaches(JailInspection.inspect(paths), config: config)
            if breaches.isEmpty { return .alreadyHealthy }
            throw .failure("\(name) exists but is not healthy (\(breaches.joined(separator: "; "))); nothing was changed; run 'netns-jail down \(name)' and then 'netns-jail up \(name)'")
        }
        if WireGuardDevice.exists(jail.interface) {
            throw .failure("an interface named \(iface) already exists here; remove it or set another 'interface =' for [\(name)]")
        }
        let rollback = Rollback()
        Interruption.arm()
        defer { Interruption.disarm() }
        do {
            let implementation = try build(rollback)
            rollback.commit()
            return .built(implementation)
        } catch {
            rollback.run()
            throw error
        }
    }

    private func build(_ rollback: Rollback) throws(JailError) -> WireGuardImplementation {
        let name = jail.name.value, iface = jail.interface.value
        let ip = ExternalTool.ip

        // 1. The namespace.
        try ip.run(["netns", "add", name]).check("creating namespace \(name)")
        rollback.register("delete namespace \(name)") { _ = ip.run(["netns", "del", name]) }

        try Interruption.check()
        // 2. The kill switch, one transaction, before any other interface exists there.
        try ip.run(["netns", "exec", name, nftPath(), "-f", "-"], input: KillSwitch(tunnel: jail.interface).ruleset)
            .check("installing the kill switch in \(name)")

        try Interruption.check()
        // 3. The tunnel interface, here, so its UDP socket stays in our namespace.
        let implementation = try WireGuardDevice.create(paths, forceUserspace: forceUserspace, rollback: rollback)

        try Interruption.check()
        // 4. Keys and peers (the private key goes through a pipe), the MTU while
        //    wireguard-go can still see the interface, then the move.
        try ExternalTool.wg.run(["setconf", iface, "/dev/stdin"], input: config.setconfText).check("loading the WireGuard config into \(iface)")
        let mtu = config.interface.mtu ?? 1420
        try ip.run(["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface)")
        try ip.run(["link", "set", "dev", iface, "netns", name]).check("moving \(iface) into \(name)")

        try Interruption.check()
        // 5. Addresses, links and default routes inside the jail.
        for address in config.interface.addresses {
            try ip.run(["-n", name, "address", "add", address.description, "dev", iface]).check("adding address \(address) to \(iface)")
        }
        try ip.run(["-n", name, "link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface) in \(name)")
        try ip.run(["-n", name, "link", "set", "dev", "lo", "up"]).check("bringing lo up in \(name)")
        try ip.run(["-n", name, "link", "set", "dev", iface, "up"]).check("bringing \(iface) up in \(name)")
        for family in config.families {
            let flag = family == .ipv4 ? "-4" : "-6"
            try ip.run(["-n", name, flag, "route", "add", "default", "dev", iface]).check("adding the \(family) default route via \(iface)")
        }

        try Interruption.check()
        // 6. The jail's resolvers.
        try writeResolvConf(rollback)

        try Interruption.check()
        // A config that loads but cannot reach its peer (wrong key, dead
        // endpoint) is a failed `up`, not a jail that silently never works.
        if handshakeTimeout > 0 { try awaitHandshakes() }
        try Interruption.check()
        return implementation
    }

    private func nftPath() throws(JailError) -> String {
        guard let path = ExternalTool.nft.path else { throw .failure("nft is not installed; install nftables") }
        return path
    }

    private func writeResolvConf(_ rollback: Rollback) throws(JailError) {
        let paths = self.paths
        if config.interface.dnsServers.isEmpty {
            Console.warn("\(jail.wireguard) has no DNS server; name lookups in \(jail.name) will fail")
        } else if config.interface.dnsServers.count > 3 {
            Console.warn("\(jail.wireguard) lists \(config.interface.dnsServers.count) DNS servers; the C library uses only the first 3")
        }
        _ = try ResolvConf.ensureDirectory(JailPaths.etcNetns)
        let created = try ResolvConf.ensureDirectory(paths.etcDirectory)
        let previous = try? Data(contentsOf: URL(fileURLWithPath: paths.resolvConf))
        rollback.register(created ? "remove \(paths.etcDirectory)" : "restore \(paths.resolvConf)") {
            if created {
                try? FileManager.default.removeItem(atPath: paths.resolvConf)
                rmdir(paths.etcDirectory)
            } else if let previous {
                try? ResolvConf.install(String(decoding: previous, as: UTF8.self), at: paths.resolvConf)
            } else {
                try? FileManager.default.removeItem(atPath: paths.resolvConf)
            }
        }
        try ResolvConf.install(ResolvConf(config).text(jail: jail.name.value, source: jail.wireguard), at: paths.resolvConf)
    }

    /// Asks each peer for a handshake (a keepalive makes WireGuard start one)
    /// and waits, bounded, until all peers with an endpoint have answered.
    private func awaitHandshakes() throws(JailError) {
        let name = jail.name.value, iface = jail.interface.value
        let wg = ExternalTool.wg.path ?? "wg"
        let peers = config.peers.filter { $0.endpoint != nil }
        guard !peers.isEmpty else { return }
        func setKeepalive(_ peer: WireGuardConfig.Peer, _ value: String) -> ToolResult {
            ExternalTool.ip.run(["netns", "exec", name, wg, "set", iface, "peer", peer.publicKey, "persistent-keepalive", value])
        }
        for peer in peers where peer.persistentKeepalive == nil { _ = setKeepalive(peer, "1") }
        defer { for peer in peers where peer.persistentKeepalive == nil { _ = setKeepalive(peer, "off") } }

        let deadline = Date().addingTimeInterval(handshakeTimeout)
        var waiting = Set(peers.map(\.publicKey))
        while !waiting.isEmpty && Date() < deadline {
            usleep(200_000)
            try Interruption.check()
            let dump = ExternalTool.ip.run(["netns", "exec", name, wg, "show", iface, "dump"])
            for peer in PeerState.parseDump(dump.output) where peer.latestHandshake != nil {
                waiting.remove(peer.publicKey)
            }
        }
        if !waiting.isEmpty {
            let endpoints = peers.filter { waiting.contains($0.publicKey) }.compactMap(\.endpoint).joined(separator: ", ")
            throw .failure("no WireGuard handshake with \(endpoints) within \(Int(handshakeTimeout)) seconds; check the endpoint, the keys and that UDP reaches the server (or pass --handshake-timeout 0 to skip this check)")
        }
    }
}

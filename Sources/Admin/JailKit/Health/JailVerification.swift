import NetnsPolicy

/// The invariants of a healthy jail. Each broken one is a breach with a
/// sentence naming it; `verify` prints them all and exits 1, `status` calls
/// the jail unhealthy, and `up` repairs the ones marked repairable.
public enum JailVerification {
    public struct Breach: Sendable, Equatable {
        public let text: String
        /// `up` (and the supervisor) may put this right without deleting the
        /// namespace: it is what an interrupted `up`, a dead wireguard-go or
        /// a downed link leaves. Anything else (an interface or route
        /// somebody added) is for the administrator to look at.
        public let repairable: Bool
    }

    public static func breaches(_ state: JailInspection, config: WireGuardConfig) -> [String] {
        structural(state, config: config).map(\.text)
    }

    public static func structural(_ state: JailInspection, config: WireGuardConfig) -> [Breach] {
        let paths = state.paths
        let iface = paths.interface.value
        guard state.namespaceExists else {
            return [Breach(text: "namespace \(paths.name) does not exist (\(paths.namespaceFile)); run netns-jail up \(paths.name)", repairable: true)]
        }
        var found: [Breach] = []
        func add(_ text: String, repairable: Bool = true) { found.append(Breach(text: text, repairable: repairable)) }
        // Interface names are any bytes but '/', ':' and white space, so
        // they are quoted (an ESC in one would reach root's terminal).
        for link in state.links where link.name != "lo" && link.name != iface {
            let shown = Quoted.text(link.name)
            add("unexpected interface \(shown) in the jail; only lo and \(iface) may exist; remove it: ip -n \(paths.name) link del \(shown)", repairable: false)
        }
        if let tunnel = state.tunnel {
            if !tunnel.isUp { add("tunnel \(iface) is down") }
        } else if state.tunnelInHostNamespace {
            add("tunnel \(iface) is in the host's namespace, not the jail (left by an interrupted up)")
        } else {
            add("tunnel \(iface) is missing from the jail")
        }
        if let lo = state.links.first(where: { $0.name == "lo" }), !lo.isUp {
            add("lo is down in the jail")
        }

        switch KillSwitch(tunnel: paths.interface).compare(liveRuleset: state.liveRuleset ?? "") {
        case .intact: break
        case .missing: add("kill switch missing: no table inet \(KillSwitch.table) in the jail's nftables ruleset")
        case .altered: add("kill switch altered: the jail's nftables ruleset differs from the one netns-jail installs")
        }

        for (family, devices, label) in [(IPAddress.Family.ipv4, state.defaultRoutes4, "IPv4"), (.ipv6, state.defaultRoutes6, "IPv6")] {
            let wanted = config.families.contains(family)
            if wanted && !devices.contains(iface) && state.tunnel != nil {
                add("no \(label) default route via \(iface)")
            }
            for device in devices where device != iface {
                add("\(label) default route via \(Quoted.text(device)), not the tunnel", repairable: false)
            }
        }
        if state.tunnel != nil {
            let live = Set(state.tunnelAddresses.compactMap(IPPrefix.init))
            for address in config.interface.addresses where !live.contains(address) {
                add("address \(address) is missing from \(iface)")
            }
        }

        if let text = state.resolvConf {
            let wanted = config.interface.dnsServers.map(\.description)
            let listed = ResolvConf.servers(in: text).compactMap { IPAddress($0)?.description ?? $0 }
            if listed != wanted {
                add("\(paths.resolvConf) lists nameservers [\(listed.joined(separator: ", "))], the WireGuard config says [\(wanted.joined(separator: ", "))]")
            }
            if state.liveResolvConf != text {
                add("\(paths.liveResolvConf), which programs already running in the jail read, is \(state.liveResolvConf == nil ? "missing" : "not the same as \(paths.resolvConf)")")
            }
        } else {
            add("\(paths.resolvConf) is missing; jailed programs would use the host's resolvers")
        }
        for problem in state.etcProblems { add(problem, repairable: false) }

        if let dead = OpenVPNJail.deadProcess(paths) { add(dead) }
        if state.pidFileExists && state.wireguardGoPID == nil {
            add("the wireguard-go process recorded in \(paths.pidFile) is not running")
        } else if let pid = state.wireguardGoPID, state.tunnel == nil {
            add("wireguard-go (PID \(pid)) runs for \(iface), but \(iface) is not in the jail")
        }
        for peer in state.peers {
            let wanted = config.peers.first { $0.publicKey == peer.publicKey }?.persistentKeepalive.flatMap { $0 > 0 ? $0 : nil }
            if peer.persistentKeepalive != wanted {
                add("peer \(peer.publicKey) has persistent keepalive \(peer.persistentKeepalive.map { "\($0) s" } ?? "off"), the config says \(wanted.map { "\($0) s" } ?? "off") (left by an interrupted up)")
            }
        }
        return found
    }

    /// What a jail that is down still has, left by a killed `up` or `down`
    /// (or an older netns-jail); `down` removes all of it, `up` reuses or
    /// replaces it.
    public static func leftovers(_ state: JailInspection) -> [String] {
        guard !state.namespaceExists else { return [] }
        let paths = state.paths, name = paths.name.value
        var found: [String] = []
        if state.resolvConf != nil {
            found.append("\(paths.resolvConf) is left without a namespace; netns-jail up \(name) uses it, netns-jail down \(name) removes it")
        }
        if state.liveResolvConf != nil {
            found.append("\(paths.liveResolvConf) is left without a namespace; netns-jail up \(name) uses it, netns-jail down \(name) removes it")
        }
        if let pid = state.wireguardGoPID {
            found.append("wireguard-go (PID \(pid)) still runs for \(paths.interface) without a jail; netns-jail down \(name) stops it")
        } else if state.pidFileExists {
            found.append("\(paths.pidFile) names no running wireguard-go; netns-jail down \(name) removes it")
        }
        if state.tunnelInHostNamespace {
            found.append("an interface \(paths.interface) is in the host's namespace; if an interrupted up made it, netns-jail down \(name) removes it")
        }
        return found
    }

    /// Peers with an endpoint whose last handshake is older than `maxAge`
    /// seconds, or that never had one: WireGuard rejects a session after
    /// 180 seconds without a new handshake, so such a tunnel carries nothing.
    /// Peers without an endpoint (a roaming client of ours) are not judged:
    /// only they can start a handshake.
    public static func staleHandshakes(_ state: JailInspection, maxAge: Int, now: Int) -> [String] {
        guard state.tunnel != nil else { return [] }
        return state.peers.compactMap { peer in
            guard peer.endpoint != nil else { return nil }
            guard let last = peer.latestHandshake else {
                return "no handshake with peer \(peer.publicKey) (\(peer.endpoint ?? "no endpoint")) yet"
            }
            let age = now - last
            return age > maxAge ? "last handshake with peer \(peer.publicKey) (\(peer.endpoint ?? "no endpoint")) was \(age) seconds ago, more than \(maxAge)" : nil
        }
    }
}

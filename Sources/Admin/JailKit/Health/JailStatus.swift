/// The report `status` prints, and its JSON form for scripts.
public struct JailStatus: Sendable, Codable {
    public let name: String
    public let interface: String
    /// Namespace present, tunnel present and up, kill switch intact.
    public let up: Bool
    /// `up`, and no problem below: every peer with an endpoint had a
    /// handshake within `handshakeAgeLimit` seconds, and (when the WireGuard
    /// config could be read) every invariant `verify` checks holds.
    public let healthy: Bool
    public let namespace: Bool
    public let tunnel: Bool
    public let implementation: String?
    public let wireguardGoPID: Int32?
    /// The jail's supervisor (netns-jail supervise), when one runs.
    public let supervisorPID: Int32?
    public let addresses: [String]
    public let peers: [PeerState]
    public let handshakeAgeLimit: Int
    /// "intact", "missing" or "altered"; "absent" when there is no namespace.
    public let killSwitch: String
    public let dns: [String]
    public let processes: Int
    /// `port-forward` in netns-jail.conf: what the supervisor last wrote
    /// (nil when port forwarding is off or nothing was written yet).
    public let portForward: PortForwardRecord?
    /// The forwarded port while its mapping is live.
    public let forwardedPort: Int?
    /// Its `publish` and `host-service` lines (RelaySpec), and the relay
    /// process serving them, when it runs and serves these lines (those in
    /// `unservedRelays` excepted).
    public let relays: [String]
    public let relayPID: Int32?
    /// Lines of `relays` nothing listens for (a port taken by something
    /// else, no relay running); `problems` says why.
    public let unservedRelays: [String]
    /// The supervisor's probe through the tunnel (ProbeRecord), while a
    /// supervisor runs; silent for more than its `failAfter` seconds is
    /// unhealthy even while the handshake is recent.
    public let probe: ProbeRecord?
    /// The servers of a jail with several (`wireguard =` files), which one
    /// is in use, since when and why, and what each did last; nil for a
    /// jail with one server.
    public let pool: PoolStatus?
    /// An OpenVPN jail's connection (OpenVPNStatus); nil for WireGuard or
    /// while its tunnel is not in the jail.
    public let openvpn: OpenVPNStatus?
    /// Why the jail is not healthy, one sentence each.
    public let problems: [String]

    public init(_ state: JailInspection, jail: JailDefinition, config: WireGuardConfig?, supervisor: SupervisorProcess.State, now: Int) {
        let paths = state.paths
        name = paths.name.value
        interface = paths.interface.value
        namespace = state.namespaceExists
        tunnel = state.tunnel?.isUp ?? false
        let comparison = KillSwitch(tunnel: paths.interface).compare(liveRuleset: state.liveRuleset ?? "")
        killSwitch = state.namespaceExists ? "\(comparison)" : "absent"
        up = namespace && tunnel && comparison == .intact
        wireguardGoPID = state.wireguardGoPID
        if case .running(let pid) = supervisor { supervisorPID = pid } else { supervisorPID = nil }
        implementation = state.tunnel == nil ? nil : jail.openvpn != nil ? WireGuardImplementation.openvpn.rawValue : (state.pidFileExists ? WireGuardImplementation.userspace.rawValue : WireGuardImplementation.kernel.rawValue)
        addresses = state.tunnelAddresses
        peers = state.peers
        handshakeAgeLimit = jail.handshakeAge
        dns = state.resolvConf.map(ResolvConf.servers(in:)) ?? []
        processes = state.processes.count
        var found = config.map { JailVerification.breaches(state, config: $0) } ?? []
        if config == nil && state.namespaceExists && state.resolvConf == nil {
            found.append("\(paths.resolvConf) is missing; jailed programs would use the host's resolvers")
        }
        found += JailVerification.staleHandshakes(state, maxAge: jail.handshakeAge, now: now)
        openvpn = jail.openvpn != nil && state.tunnel != nil ? OpenVPNStatus(paths: paths, jail: jail) : nil
        found += openvpn?.problems(now: now, limit: jail.handshakeAge) ?? []
        probe = supervisorPID == nil ? nil : ProbeRecord.read(paths)
        if let probe, state.tunnel != nil, probe.failed(now: now) { found.append(probe.problem(now: now)) }
        pool = jail.servers.count > 1 ? PoolStatus(jail: jail, record: PoolRecord.read(paths)) : nil
        if let problem = pool?.problem(now: now) { found.append(problem) }
        portForward = jail.portForward == nil ? nil : PortForwardRecord.read(paths)
        forwardedPort = portForward.flatMap { $0.live(now: now) ? $0.port : nil }
        if let record = portForward, forwardedPort == nil {
            let lapsed = record.renewed > 0 ? "last renewed \(max(0, now - record.renewed)) seconds ago" : "never mapped"
            found.append("port forwarding has no live mapping (\(lapsed)): \(record.error ?? "renewal overdue")")
        }
        let relay = RelayState.read(paths)
        if case .gone(let dead) = supervisor {
            // One line: its relay and port renewals stopped with it.
            found.append("its supervisor (PID \(dead), recorded in \(paths.supervisorPidFile)) is not running, so nothing repairs the jail or serves its relays; run netns-jail up \(paths.name) to start it again")
        } else {
            found += relay.problems(for: jail.relays, supervisor: supervisorPID)
        }
        relays = jail.relays.map(\.description)
        let current = relay.pid != nil && relay.accounts(for: jail.relays)
        relayPID = current ? relay.pid : nil
        unservedRelays = relays.filter { line in !current || relay.unserved.contains { $0.relay == line } }
        problems = state.namespaceExists ? found : JailVerification.leftovers(state)
        healthy = up && problems.isEmpty
    }

    /// The human form: one block per jail.
    public func text(now: Int) -> String {
        var out = "\(name): \(healthy ? "up" : up ? "unhealthy" : "down")\n"
        out += "  namespace:   \(namespace ? "present" : "absent")\n"
        out += "  tunnel:      \(interface) \(tunnel ? "up" : "down")"
        if let implementation { out += " (\(implementation)\(wireguardGoPID.map { ", PID \($0)" } ?? ""))" }
        out += "\n  addresses:   \(addresses.isEmpty ? "none" : addresses.joined(separator: ", "))\n"
        if let openvpn { out += openvpn.text(now: now) }
        for peer in peers {
            out += "  peer:        \(peer.publicKey)\n"
            out += "    endpoint:  \(peer.endpoint ?? "none")\n"
            let age = peer.latestHandshake.map { max(0, now - $0) }
            out += "    handshake: \(age.map { "\($0) seconds ago" } ?? "never")"
            if peer.endpoint != nil, age.map({ $0 > handshakeAgeLimit }) ?? true { out += " (stale: limit \(handshakeAgeLimit) seconds)" }
            out += "\n    transfer:  \(peer.rxBytes) B received, \(peer.txBytes) B sent\n"
        }
        out += "  kill switch: \(killSwitch)\n"
        out += "  dns:         \(dns.isEmpty ? "none" : dns.joined(separator: ", "))\n"
        out += "  supervisor:  \(supervisorPID.map { "PID \($0)" } ?? "none")\n"
        if let pool { out += pool.text(now: now) }
        if let probe {
            let heard = probe.lastReply > 0 ? "answered \(max(0, now - probe.lastReply)) seconds ago" : "no reply yet"
            out += "  probe:       \(probe.target) \(heard) (fail-after \(probe.failAfter) seconds)\n"
        }
        if let record = portForward {
            let ago = max(0, now - record.renewed)
            out += "  forwarded:   \(forwardedPort.map { "port \($0) (UDP and TCP), renewed \(ago) seconds ago, lease \(record.lease) seconds" } ?? "none (see problem)")"
            out += record.publicAddress.map { " at \($0)" } ?? ""
            out += "\n"
        }
        for relay in relays {
            let pid = unservedRelays.contains(relay) ? nil : relayPID
            out += "  relay:       \(relay)\(pid.map { " (PID \($0))" } ?? " (not served)")\n"
        }
        out += "  processes:   \(processes)\n"
        for problem in problems { out += "  problem:     \(problem)\n" }
        return out
    }
}

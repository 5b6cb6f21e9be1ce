/// The report `status` prints, and its JSON form for scripts.
public struct JailStatus: Sendable, Codable {
    public let name: String
    public let interface: String
    /// Namespace present, tunnel present and up, kill switch intact.
    public let up: Bool
    public let namespace: Bool
    public let tunnel: Bool
    public let implementation: String?
    public let wireguardGoPID: Int32?
    public let addresses: [String]
    public let peers: [PeerState]
    /// "intact", "missing" or "altered"; "absent" when there is no namespace.
    public let killSwitch: String
    public let dns: [String]
    public let processes: Int

    public init(_ state: JailInspection) {
        let paths = state.paths
        name = paths.name.value
        interface = paths.interface.value
        namespace = state.namespaceExists
        tunnel = state.tunnel?.isUp ?? false
        let comparison = KillSwitch(tunnel: paths.interface).compare(liveRuleset: state.liveRuleset ?? "")
        killSwitch = state.namespaceExists ? "\(comparison)" : "absent"
        up = namespace && tunnel && comparison == .intact
        wireguardGoPID = state.wireguardGoPID
        implementation = state.tunnel == nil ? nil : (state.pidFileExists ? WireGuardImplementation.userspace.rawValue : WireGuardImplementation.kernel.rawValue)
        addresses = state.tunnelAddresses
        peers = state.peers
        dns = state.resolvConf.map(ResolvConf.servers(in:)) ?? []
        processes = state.processes.count
    }

    /// The human form: one block per jail.
    public func text(now: Int) -> String {
        var out = "\(name): \(up ? "up" : "down")\n"
        out += "  namespace:   \(namespace ? "present" : "absent")\n"
        out += "  tunnel:      \(interface) \(tunnel ? "up" : "down")"
        if let implementation { out += " (\(implementation)\(wireguardGoPID.map { ", PID \($0)" } ?? ""))" }
        out += "\n  addresses:   \(addresses.isEmpty ? "none" : addresses.joined(separator: ", "))\n"
        for peer in peers {
            out += "  peer:        \(peer.publicKey)\n"
            out += "    endpoint:  \(peer.endpoint ?? "none")\n"
            out += "    handshake: \(peer.latestHandshake.map { "\(max(0, now - $0)) seconds ago" } ?? "never")\n"
            out += "    transfer:  \(peer.rxBytes) B received, \(peer.txBytes) B sent\n"
        }
        out += "  kill switch: \(killSwitch)\n"
        out += "  dns:         \(dns.isEmpty ? "none" : dns.joined(separator: ", "))\n"
        out += "  processes:   \(processes)\n"
        return out
    }
}

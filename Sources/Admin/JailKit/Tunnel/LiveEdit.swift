import Glibc

/// Edits of the WireGuard config applied to a running jail by `up`, in the
/// namespace the programs already run in, so they keep working: before, the
/// only way was down + up, which left every running program in the old,
/// dead namespace for good.
///
/// Keys, peers, endpoints, allowed IPs and keepalives go through
/// `wg syncconf`, which changes only what differs, so a peer whose settings
/// did not change keeps its session. Addresses the config no longer lists
/// are removed, new ones added, the MTU set. DNS is resolv.conf, which the
/// repair step already rewrites when it differs. What needs a new namespace
/// (another interface name) is refused by `up` unless --force.
public struct LiveEdit {
    let jail: JailDefinition
    let config: WireGuardConfig

    private var name: String { jail.name.value }
    private var iface: String { jail.interface.value }

    private func wgInside(_ arguments: [String], input: String? = nil) -> ToolResult {
        ExternalTool.wg.runInside(name, arguments, input: input)
    }

    /// What changed, one sentence each; empty when the jail already matched.
    func apply(_ live: TunnelLive) throws(JailError) -> [String] {
        guard live.present else { return [] }
        var changes: [String] = []
        // showconf holds the private key: compared in memory, never printed.
        let before = wgInside(["showconf", iface])
        try wgInside(["syncconf", iface, "/dev/stdin"], input: syncText(livePort: listenPort(in: before.output)))
            .check("applying \(jail.wireguard) to \(iface)")
        let changed = changedKeys(before.output, wgInside(["showconf", iface]).output)
        if !changed.isEmpty {
            changes.append("applied the changed keys, peers or endpoints of \(jail.wireguard) to \(iface) (wg syncconf; changed: \(changed.joined(separator: ", ")))")
        }
        let wanted = Set(config.interface.addresses)
        for text in live.addresses {
            guard let address = IPPrefix(text), !wanted.contains(address) else { continue }
            try ExternalTool.ip.runInside(name, ["address", "del", text, "dev", iface]).check("removing address \(text) from \(iface)")
            changes.append("removed address \(text), which \(jail.wireguard) no longer lists")
        }
        let mtu = config.interface.mtu ?? 1420
        if let was = live.mtu, was != mtu {
            try ExternalTool.ip.runInside(name, ["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface)")
            changes.append("MTU of \(iface) set to \(mtu) (was \(was))")
        }
        return changes
    }

    /// The config for `wg syncconf`, with endpoints given as host names
    /// resolved here in the host's namespace: `wg` runs inside the jail,
    /// whose resolvers are reached only through the tunnel.
    ///
    /// With no ListenPort, syncconf would pick a new random port (seen:
    /// every `up` moved the tunnel's UDP port); the live one is kept.
    private func syncText(livePort: Int?) -> String {
        var copy = config
        if copy.interface.listenPort == nil { copy.interface.listenPort = livePort }
        for i in copy.peers.indices {
            if let endpoint = copy.peers[i].endpoint, let address = EndpointResolver.resolve(endpoint) {
                copy.peers[i].endpoint = address
            }
        }
        return copy.setconfText
    }

    /// The names of the settings whose lines differ (only the names: the
    /// PrivateKey line's value is never shown).
    private func changedKeys(_ before: String, _ after: String) -> [String] {
        let a = Set(before.split(separator: "\n")), b = Set(after.split(separator: "\n"))
        let names = a.symmetricDifference(b).map { line in
            line.split(separator: "=", maxSplits: 1).first.map { $0.trimmed } ?? ""
        }
        return Array(Set(names)).sorted()
    }

    private func listenPort(in showconf: String) -> Int? {
        for line in showconf.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmed }
            if parts.count == 2, parts[0] == "ListenPort" { return Int(parts[1]) }
        }
        return nil
    }
}

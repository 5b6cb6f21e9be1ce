/// The invariants of a healthy jail. Each broken one is a breach with a
/// sentence naming it; `verify` prints them all and exits 1.
public enum JailVerification {
    public static func breaches(_ state: JailInspection, config: WireGuardConfig) -> [String] {
        let paths = state.paths
        let iface = paths.interface.value
        guard state.namespaceExists else {
            return ["namespace \(paths.name) does not exist (\(paths.namespaceFile)); run netns-jail up \(paths.name)"]
        }
        var found: [String] = []
        for link in state.links where link.name != "lo" && link.name != iface {
            found.append("unexpected interface \(link.name) in the jail; only lo and \(iface) may exist")
        }
        if let tunnel = state.tunnel {
            if !tunnel.isUp { found.append("tunnel \(iface) is down") }
        } else {
            found.append("tunnel \(iface) is missing from the jail")
        }
        if let lo = state.links.first(where: { $0.name == "lo" }), !lo.isUp {
            found.append("lo is down in the jail")
        }

        switch KillSwitch(tunnel: paths.interface).compare(liveRuleset: state.liveRuleset ?? "") {
        case .intact: break
        case .missing: found.append("kill switch missing: no table inet \(KillSwitch.table) in the jail's nftables ruleset")
        case .altered: found.append("kill switch altered: the jail's nftables ruleset differs from the one netns-jail installs")
        }

        for (family, devices, label) in [(IPAddress.Family.ipv4, state.defaultRoutes4, "IPv4"), (.ipv6, state.defaultRoutes6, "IPv6")] {
            let wanted = config.families.contains(family)
            if wanted && !devices.contains(iface) {
                found.append("no \(label) default route via \(iface)")
            }
            for device in devices where device != iface {
                found.append("\(label) default route via \(device), not the tunnel")
            }
        }

        if let text = state.resolvConf {
            if let problem = state.resolvConfProblem { found.append(problem) }
            let wanted = config.interface.dnsServers.map(\.description)
            let listed = ResolvConf.servers(in: text).compactMap { IPAddress($0)?.description ?? $0 }
            if listed != wanted {
                found.append("\(paths.resolvConf) lists nameservers [\(listed.joined(separator: ", "))], the WireGuard config says [\(wanted.joined(separator: ", "))]")
            }
        } else {
            found.append("\(paths.resolvConf) is missing; jailed programs would use the host's resolvers")
        }

        if state.pidFileExists && state.wireguardGoPID == nil {
            found.append("the wireguard-go process recorded in \(paths.pidFile) is not running")
        }
        return found
    }
}

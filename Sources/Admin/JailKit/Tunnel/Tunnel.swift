import Glibc
import NetnsPolicy

/// The jail's WireGuard tunnel: the interface (WireGuardDevice), its keys
/// and peers, its move into the namespace, and the addresses, links and
/// default routes that make it the jail's only way out.
struct Tunnel {
    let jail: JailDefinition
    let config: WireGuardConfig

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }
    private var name: String { jail.name.value }
    private var iface: String { jail.interface.value }
    private var mtu: Int { config.interface.mtu ?? 1420 }

    /// Step 4 of `up`: what an interrupted `up` or a dead tunnel left is
    /// removed, then the interface is made, its keys and peers loaded (the
    /// private key goes through a pipe), its MTU set while wireguard-go can
    /// still see it, and it is moved in. `step` marks tunnel-created and
    /// tunnel-moved (StepPause, Interruption).
    func install(_ state: JailInspection, userspace: Bool, rollback: Rollback,
                 step: (StepPause.Step) throws(JailError) -> Void) throws(JailError) -> WireGuardImplementation {
        try WireGuardDevice.removeStale(paths, state: state)
        let implementation = try WireGuardDevice.create(paths, forceUserspace: userspace, rollback: rollback)
        try ExternalTool.wg.run(["setconf", iface, "/dev/stdin"], input: config.setconfText).check("loading the WireGuard config into \(iface)")
        try ExternalTool.ip.run(["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface)")
        try step(.tunnelCreated)
        try ExternalTool.ip.run(["link", "set", "dev", iface, "netns", name]).check("moving \(iface) into \(name)")
        try step(.tunnelMoved)
        return implementation
    }

    /// Step 5 of `up`, in forms that may run again on a half-configured
    /// jail: cheap (seven `ip` runs) and idempotent, so it runs whenever
    /// `up` changes anything (a downed link also loses its routes).
    func route() throws(JailError) {
        let ip = ExternalTool.ip
        for address in config.interface.addresses {
            try ip.runInside(name, ["address", "replace", address.description, "dev", iface]).check("adding address \(address) to \(iface)")
        }
        try ip.runInside(name, ["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface) in \(name)")
        try ip.runInside(name, ["link", "set", "dev", "lo", "up"]).check("bringing lo up in \(name)")
        try ip.runInside(name, ["link", "set", "dev", iface, "up"]).check("bringing \(iface) up in \(name)")
        for family in config.families {
            let flag = family == .ipv4 ? "-4" : "-6"
            try ip.runInside(name, [flag, "route", "replace", "default", "dev", iface]).check("adding the \(family) default route via \(iface)")
        }
    }

    /// `down`, before the namespace: the interface first (from here on,
    /// whatever is left inside has no way out, and its routes go with it),
    /// then the wireguard-go that carried it (`wireguardGo`, checked to be
    /// ours by WireGuardDevice.recordedProcess), then a kernel interface an
    /// `up` killed before the move left in our namespace.
    static func remove(_ paths: JailPaths, namespaceExists: Bool, wireguardGo pid: Int32?) throws(JailError) {
        let name = paths.name.value, iface = paths.interface.value
        if namespaceExists {
            let del = ExternalTool.ip.runInside(name, ["link", "del", "dev", iface])
            if !del.succeeded && ExternalTool.ip.runInside(name, ["link", "show", "dev", iface]).succeeded {
                throw .failure("removing \(iface) from \(name): \(del.reason)")
            }
        }
        if let pid {
            let left = ProcessesInside.terminate([pid], grace: 3)
            if !left.isEmpty { throw .failure("wireguard-go (PID \(pid)) did not exit after SIGKILL") }
        }
        unlink(paths.pidFile)
        unlink(paths.logFile)
        if !namespaceExists { try removeStaleKernelInterface(paths.interface) }
    }

    /// Only when the jail's own namespace is gone and the interface is
    /// WireGuard, so nothing else of that name is touched.
    private static func removeStaleKernelInterface(_ interface: InterfaceName) throws(JailError) {
        let iface = interface.value
        guard WireGuardDevice.exists(interface),
              ExternalTool.ip.run(["-d", "link", "show", "dev", iface]).output.contains("wireguard") else { return }
        try ExternalTool.ip.run(["link", "del", "dev", iface]).check("removing the stale \(iface)")
    }
}

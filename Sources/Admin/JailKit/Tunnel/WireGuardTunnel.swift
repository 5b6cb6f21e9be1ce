import Glibc
import NetnsPolicy

/// The jail's WireGuard tunnel, the one implementation of JailTunnel: the
/// interface (WireGuardDevice, kernel or wireguard-go), its keys and peers,
/// its move into the namespace, the addresses, links and default routes
/// that make it the jail's only way out, the handshake wait
/// (HandshakeWait) and live edits (LiveEdit).
struct WireGuardTunnel: JailTunnel {
    let jail: JailDefinition
    let config: WireGuardConfig
    /// wireguard-go even where the kernel has WireGuard (`up --userspace`).
    var forceUserspace = false

    var interface: InterfaceName { jail.interface }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }
    private var name: String { jail.name.value }
    private var iface: String { jail.interface.value }
    private var mtu: Int { config.interface.mtu ?? 1420 }

    /// Step 4 of `up`: what an interrupted `up` or a dead tunnel left is
    /// removed, then the interface is made, its keys and peers loaded (the
    /// private key goes through a pipe), its MTU set while wireguard-go can
    /// still see it, and it is moved in. `step` marks tunnel-created and
    /// tunnel-moved (StepPause, Interruption).
    ///
    /// A repair keeps the implementation the jail had: a killed
    /// wireguard-go is replaced by wireguard-go, not by the kernel's.
    func install(_ live: TunnelLive, rollback: Rollback,
                 step: (StepPause.Step) throws(JailError) -> Void) throws(JailError) -> String {
        try WireGuardDevice.removeStale(paths, wireguardGo: live.processPID)
        let implementation = try WireGuardDevice.create(paths, forceUserspace: forceUserspace || live.recordExists,
                                                        rollback: rollback)
        try ExternalTool.wg.run(["setconf", iface, "/dev/stdin"], input: config.setconfText).check("loading the WireGuard config into \(iface)")
        try ExternalTool.ip.run(["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface)")
        try step(.tunnelCreated)
        try ExternalTool.ip.run(["link", "set", "dev", iface, "netns", name]).check("moving \(iface) into \(name)")
        try step(.tunnelMoved)
        return implementation.rawValue
    }

    func implementation(_ live: TunnelLive) -> String {
        (live.recordExists ? WireGuardImplementation.userspace : .kernel).rawValue
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

    /// Step 6 of `up` (HandshakeWait); the supervisor's nudge of an idle
    /// tunnel is the same wait, shorter.
    func awaitConnection(timeout: Double) throws(JailError) {
        try HandshakeWait(jail: jail, config: config, timeout: timeout).run()
    }

    /// The keepalives a killed handshake wait left, put back.
    func settle(_ live: TunnelLive) {
        HandshakeWait(jail: jail, config: config, timeout: 0).restoreKeepalives(live: live.peers)
    }

    func applyEdits(_ live: TunnelLive) throws(JailError) -> [String] {
        try LiveEdit(jail: jail, config: config).apply(live)
    }

    /// `down`, before the namespace: the interface first (from here on,
    /// whatever is left inside has no way out, and its routes go with it),
    /// then the wireguard-go that carried it (checked to be ours by
    /// WireGuardDevice.recordedProcess), then a kernel interface an `up`
    /// killed before the move left in our namespace.
    static func remove(_ paths: JailPaths, namespaceExists: Bool) throws(JailError) {
        let name = paths.name.value, iface = paths.interface.value
        let pid = WireGuardDevice.recordedProcess(paths)
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

    static func hasLeftovers(_ paths: JailPaths) -> Bool {
        WireGuardDevice.recordedProcess(paths) != nil || access(paths.pidFile, F_OK) == 0
    }

    /// `up --force`: the wireguard-go of the namespace being rebuilt, also
    /// one started for an earlier interface name.
    static func stopForRebuild(_ paths: JailPaths) {
        if let pid = WireGuardDevice.recordedProcess(paths, anyInterface: true) {
            ProcessesInside.terminate([pid], grace: 3)
        }
        unlink(paths.pidFile)
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

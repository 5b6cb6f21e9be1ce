import Glibc

/// `netns-jail up`: builds one jail, or repairs what an interrupted `up`, a
/// dead wireguard-go or a downed link left, failing closed.
///
/// A jail is five parts, each in its own folder with its install and its
/// removal, put in in this order (`converge`), which is what keeps a jailed
/// program from ever seeing the host:
///  1. /etc/netns/NAME/resolv.conf (JailResolvConf), before the namespace
///     file exists: the launcher refuses a jail without it (unless its
///     policy line says resolver=host), so a launch in between would be
///     refused rather than answered;
///  2. the namespace, only lo (JailNamespace); the supervisor is started
///     here (`namespaceReady`);
///  3. the kill switch (KillSwitch), before any other interface exists there;
///  4. the tunnel (Tunnel.install), created here (its UDP socket stays in
///     our namespace), keys and peers loaded, then moved in;
///  5. addresses, links and default routes (Tunnel.route);
///  6. the wait for a first handshake (HandshakeWait).
/// `down` (JailTeardown) removes them in the reverse order. Every step
/// checks what is already there, so running `up` again after a SIGKILL at
/// any point finishes the jail instead of refusing it. Each step that
/// creates something registers its undo; if a later step throws, the
/// rollback removes what this run created, newest first (never the
/// namespace or resolv.conf of a jail that existed before, where programs
/// may run).
public struct JailBuilder {
    public enum Outcome: Sendable {
        case alreadyHealthy
        case built(WireGuardImplementation)
        /// What was wrong and is now put right, and the config's edits
        /// applied, in the namespace that was there.
        case repaired(repairs: [String], edits: [String])
    }

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

    /// Rebuild a jail whose namespace holds what netns-jail did not make
    /// (or an interface under a name the config no longer gives): the old
    /// namespace is removed first, and the programs in it lose the network.
    public var rebuild = false
    /// Called once the namespace exists (`up` starts the supervisor there:
    /// it waits for our lock, so if this `up` is killed, the supervisor
    /// finishes the jail; if `up` fails and rolls back, it finds no
    /// namespace and stops).
    public var namespaceReady: (() -> Void)?
    /// Apply the config's edits to a running jail (LiveEdit). The
    /// supervisor only repairs; edits are the administrator's `up`.
    public var applyEdits = true

    /// The caller holds the jail's lock (JailLock).
    public func up() throws(JailError) -> Outcome {
        let name = jail.name.value, iface = jail.interface.value
        var state = JailInspection.inspect(paths)
        if state.namespaceExists {
            let breaches = JailVerification.structural(state, config: config)
            let foreign = breaches.filter { !$0.repairable }.map(\.text)
            if foreign.isEmpty {
                // Edits first, so that what they change (a keepalive, the
                // MTU) is reported as an edit, not as damage repaired.
                let edits = applyEdits ? try LiveEdit(jail: jail, config: config).apply(state) : []
                if !edits.isEmpty { state = JailInspection.inspect(paths) }
                let repairs = JailVerification.structural(state, config: config)
                if !repairs.isEmpty { _ = try runSteps(state) }
                return repairs.isEmpty && edits.isEmpty ? .alreadyHealthy : .repaired(repairs: repairs.map(\.text), edits: edits)
            }
            guard rebuild else { throw .failure(refusal(foreign, inside: state.processes)) }
            try JailNamespace(paths: paths).removeForRebuild(state)
            state = JailInspection.inspect(paths)
        } else if WireGuardDevice.exists(jail.interface) && state.wireguardGoPID == nil {
            throw .failure("an interface named \(iface) already exists here; remove it or set another 'interface =' for [\(name)]")
        }
        return .built(try runSteps(state))
    }

    private func refusal(_ foreign: [String], inside: [JailedProcess]) -> String {
        let name = jail.name.value
        var text = "\(name) exists but \(foreign.joined(separator: "; ")); nothing was changed; this needs a new namespace"
        if !inside.isEmpty {
            let list = inside.prefix(5).map { "PID \($0.pid) \($0.command)" }.joined(separator: ", ")
            text += ", and the \(inside.count) program(s) inside (\(list)\(inside.count > 5 ? ", ..." : "")) would keep the old one, without network"
        }
        return text + "; fix it, or pass --force to rebuild \(name)"
    }

    /// The steps under a rollback, with signals turned into a failure
    /// between steps.
    private func runSteps(_ state: JailInspection) throws(JailError) -> WireGuardImplementation {
        let rollback = Rollback()
        Interruption.arm()
        defer { Interruption.disarm() }
        do {
            let implementation = try converge(state, rollback)
            rollback.commit()
            return implementation
        } catch {
            rollback.run()
            throw error
        }
    }

    private func step(_ done: StepPause.Step) throws(JailError) {
        StepPause.after(done)
        try Interruption.check()
    }

    private func converge(_ state: JailInspection, _ rollback: Rollback) throws(JailError) -> WireGuardImplementation {
        // What this run creates is undone on failure; what was there is kept.
        let fresh = !state.namespaceExists, created = fresh ? rollback : nil

        try JailResolvConf(jail: jail, config: config).install(rollback: created)
        try step(.resolvConf)

        try JailNamespace(paths: paths).install(rollback: created)
        namespaceReady?()
        try step(.namespace)

        try KillSwitch(tunnel: jail.interface).install(in: jail.name.value, live: state.liveRuleset, fresh: fresh)
        try step(.killSwitch)

        let tunnel = Tunnel(jail: jail, config: config)
        // A repair keeps the implementation the jail had: a killed
        // wireguard-go is replaced by wireguard-go, not by the kernel's.
        var implementation: WireGuardImplementation = state.pidFileExists ? .userspace : .kernel
        let newTunnel = state.tunnel == nil
        if newTunnel {
            implementation = try tunnel.install(state, userspace: forceUserspace || state.pidFileExists,
                                                rollback: rollback, step: step)
        }
        try tunnel.route()
        try step(.routes)

        if newTunnel {
            if handshakeTimeout > 0 { try HandshakeWait(jail: jail, config: config, timeout: handshakeTimeout).run() }
        } else {
            HandshakeWait(jail: jail, config: config, timeout: 0).restoreKeepalives(live: state.peers)
        }
        try Interruption.check()
        return implementation
    }
}

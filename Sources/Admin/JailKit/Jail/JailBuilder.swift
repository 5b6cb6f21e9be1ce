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
///     here, early (SupervisorPart.start);
///  3. the kill switch (KillSwitch), before any other interface exists there;
///  4. the tunnel (JailTunnel.install; WireGuardTunnel, created here so
///     that its UDP socket stays in our namespace), keys and peers loaded,
///     then moved in;
///  5. addresses, links and default routes (JailTunnel.route);
///  6. the wait for a first handshake (JailTunnel.awaitConnection);
///  7. the supervisor and what it serves (SupervisorPart.install): it
///     runs, and its relay serves the lines as they are now.
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
        /// With the name of the tunnel's implementation (JailTunnel).
        case built(String)
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

    /// The jail's kind of tunnel (JailTunnel): the one place it is chosen.
    var tunnel: any JailTunnel {
        jail.openvpn != nil ? OpenVPNJailTunnel(jail: jail)
            : WireGuardTunnel(jail: jail, config: config, forceUserspace: forceUserspace)
    }

    /// Rebuild a jail whose namespace holds what netns-jail did not make
    /// (or an interface under a name the config no longer gives): the old
    /// namespace is removed first, and the programs in it lose the network.
    public var rebuild = false
    /// The last part, the supervisor and what it serves (SupervisorPart):
    /// `up` starts it (`start`, with the configuration it reads) or stops
    /// it (`off`, --no-supervisor); the supervisor's own repairs leave it.
    public enum Supervision: Sendable, Equatable { case leave, start(configPath: String), off }
    public var supervision = Supervision.leave
    /// Apply the config's edits to a running jail (LiveEdit). The
    /// supervisor only repairs; edits are the administrator's `up`.
    public var applyEdits = true

    /// What `up` did: the network parts' outcome, then what the
    /// supervisor part has to say, in the order `up` prints them.
    public struct Report: Sendable {
        public let outcome: Outcome
        public let supervisor: [SupervisorPart.Message]
    }

    /// The caller holds the jail's lock (JailLock).
    public func up() throws(JailError) -> Report {
        let part = SupervisorPart(jail: jail)
        // A supervisor that died (SIGKILL, a crash) left its record.
        let before = SupervisorProcess.state(paths)
        do {
            let outcome = try network()
            var messages: [SupervisorPart.Message] = []
            switch supervision {
            case .leave: break
            case .start(let configPath):
                var built = false
                if case .built = outcome { built = true }
                messages = try part.install(configPath: configPath, before: before, built: built)
            case .off: messages = part.leaveUnsupervised()
            }
            return Report(outcome: outcome, supervisor: messages)
        } catch {
            // A supervisor started for a jail this run then rolled back
            // would stop by itself within a second; stop it now.
            if supervision != .leave && access(paths.namespaceFile, F_OK) != 0 {
                SupervisorProcess.stop(paths)
            }
            throw error
        }
    }

    /// The parts up to the tunnel's handshake: built, repaired or edited.
    private func network() throws(JailError) -> Outcome {
        let name = jail.name.value, iface = jail.interface.value
        var state = JailInspection.inspect(paths)
        if state.namespaceExists {
            let breaches = JailVerification.structural(state, config: config)
            let foreign = breaches.filter { !$0.repairable }.map(\.text)
            if foreign.isEmpty {
                // Edits first, so that what they change (a keepalive, the
                // MTU) is reported as an edit, not as damage repaired.
                let edits = applyEdits ? try tunnel.applyEdits(state.tunnelLive) : []
                if !edits.isEmpty { state = JailInspection.inspect(paths) }
                let repairs = JailVerification.structural(state, config: config)
                if !repairs.isEmpty { _ = try runSteps(state) }
                return repairs.isEmpty && edits.isEmpty ? .alreadyHealthy : .repaired(repairs: repairs.map(\.text), edits: edits)
            }
            guard rebuild else { throw .failure(refusal(foreign, inside: state.processes)) }
            try JailNamespace(paths: paths).removeForRebuild(links: state.links.map(\.name), programs: state.processes.count,
                                                             stopTunnel: type(of: tunnel).stopForRebuild)
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
    private func runSteps(_ state: JailInspection) throws(JailError) -> String {
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

    private func converge(_ state: JailInspection, _ rollback: Rollback) throws(JailError) -> String {
        // What this run creates is undone on failure; what was there is kept.
        let fresh = !state.namespaceExists, created = fresh ? rollback : nil

        try JailResolvConf(jail: jail, config: config).install(rollback: created)
        try step(.resolvConf)

        try JailNamespace(paths: paths).install(rollback: created)
        // Early (SupervisorPart): it waits for our lock, so if this `up` is
        // killed, the supervisor finishes the jail; if `up` fails and rolls
        // back, it finds no namespace and stops.
        if case .start(let configPath) = supervision { SupervisorPart(jail: jail).start(configPath: configPath) }
        try step(.namespace)

        try KillSwitch(tunnel: jail.interface).install(in: jail.name.value, live: state.liveRuleset, fresh: fresh)
        try step(.killSwitch)

        let tunnel = self.tunnel, live = state.tunnelLive
        var implementation = tunnel.implementation(live)
        if !live.present {
            implementation = try tunnel.install(live, rollback: rollback, step: step)
        }
        try tunnel.route()
        try step(.routes)

        if !live.present {
            if handshakeTimeout > 0 { try tunnel.awaitConnection(timeout: handshakeTimeout) }
        } else {
            tunnel.settle(live)
        }
        try Interruption.check()
        return implementation
    }
}

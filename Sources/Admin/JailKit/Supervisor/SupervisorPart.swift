/// The last part of a jail: its supervisor (`netns-jail supervise`) and
/// what the supervisor serves, the relay of the `publish` and
/// `host-service` lines (RelayEdit, RelayState) and the forwarded port
/// (PortForward). They are one part because the relay and the port
/// renewals are the supervisor's children: they die with it, and a relay
/// stopped while its supervisor runs is started again at once. So
/// `install` starts the supervisor and then waits for its relay, and
/// `remove`, the first thing `down` does, stops the supervisor first (so
/// that it neither repairs what is being removed nor restarts its relay)
/// and then what it served.
///
/// The supervisor is started early, as soon as the namespace exists
/// (`start`, from JailBuilder.converge): it waits for `up`'s lock, so it
/// acts only after `up` ends, and if `up` is killed it finishes the jail.
/// The jail is up and sealed whether or not a supervisor runs; without
/// one it is only not repaired by itself, so a supervisor that cannot be
/// started is a warning, not a failure.
public struct SupervisorPart {
    /// What `up` prints after its own report, in this order.
    public enum Message: Sendable, Equatable { case note(String), warning(String) }

    let jail: JailDefinition
    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    init(jail: JailDefinition) { self.jail = jail }

    /// What the supervisor would refuse later, refused by `up` before it
    /// changes anything: a port-forward hook it may not run, relay lines
    /// without the relay's user.
    public static func check(_ jail: JailDefinition) throws(JailError) {
        try PortForwardHook.check(jail.portForward, jail: jail.name)
        if !jail.relays.isEmpty { _ = try RelayUser.lookup() }
    }

    /// Unless one runs already.
    func start(configPath: String) {
        do throws(JailError) { try SupervisorProcess.ensureRunning(paths, configPath: configPath) } catch {
            Console.warn("\(jail.name) has no supervisor: \(error.message)")
        }
    }

    /// At the end of `up`: the supervisor runs (a dead one, `before`, is
    /// replaced and said so), and its relay serves the jail's lines as
    /// they are now. `built`: the jail is new, so every line is new.
    func install(configPath: String, before: SupervisorProcess.State, built: Bool) throws(JailError) -> [Message] {
        var messages: [Message] = []
        start(configPath: configPath)
        if case .gone(let dead) = before, let now = SupervisorProcess.runningPID(paths) {
            messages.append(.note("repaired in \(jail.name): its supervisor (PID \(dead)) was not running; started a new one (PID \(now))"))
        }
        var edits = try RelayEdit.apply(jail)
        // The supervisor starts when the namespace exists and reads the
        // configuration itself, so on a slow machine its relay may already
        // serve every line by the time RelayEdit looks (it then reports
        // nothing). A jail built by this run has only new lines: name them
        // all the same, served as RelayEdit found them.
        if edits.isEmpty && built { edits = jail.relays.map { "relays \($0)" } }
        return messages + edits.map { .note("updated \(jail.name): \($0)") }
    }

    /// `up --no-supervisor`: none runs after it.
    func leaveUnsupervised() -> [Message] {
        SupervisorProcess.stop(paths)
        guard !jail.relays.isEmpty else { return [] }
        return [.warning("\(jail.name) has publish or host-service lines, which its supervisor serves; without it nothing is relayed")]
    }

    /// First in `down`. The relay dies with its supervisor; the files it
    /// made as root go too. Nothing renews the forwarded port any more.
    func remove() {
        let relay = RelayState.read(paths)
        SupervisorProcess.stop(paths)
        relay.stop()
        RelayState.removeFiles(paths)
        PortForwardRecord.remove(paths)
    }
}

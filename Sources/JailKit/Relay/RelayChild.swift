import Glibc

/// The supervisor's side of the jail's relay: it starts `netns-jail relay
/// NAME` when the configuration lists `publish` or `host-service` lines,
/// and again whenever it exits (a crash, or `up` ending it after an edit).
/// The relay reads the configuration itself when it starts, so an edit
/// takes effect through `up` (RelayState.stop), the way WireGuard edits do.
/// It dies with the supervisor (PR_SET_PDEATHSIG), so a supervisor killed
/// with SIGKILL leaves no relay behind, and the next `up` brings both back.
struct RelayChild {
    let jail: JailDefinition
    let configPath: String
    private(set) var pid: pid_t?
    private var failures = 0
    private var notBefore = 0.0
    private var hadRelays = false

    init(jail: JailDefinition, configPath: String) {
        self.jail = jail
        self.configPath = configPath
    }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// The supervisor reaped `child` with `status`.
    mutating func reaped(_ child: pid_t, status: Int32) {
        guard child == pid else { return }
        pid = nil
        let signal = status & 0x7f, code = (status >> 8) & 0xff
        if signal == 0 && code == 0 || signal == SIGTERM {
            failures = 0
            notBefore = 0
        } else {
            // A relay that cannot start (a port in use) is retried, less
            // and less often, at most every 30 seconds; its reason is in
            // the state file and syslog.
            failures += 1
            notBefore = monotonicSeconds() + Double(min(1 << min(failures, 5), 30))
            SystemLog.warning("\(jail.name): relay exited (\(signal != 0 ? "signal \(signal)" : "status \(code)")); starting it again")
        }
    }

    /// Starts the relay if it should run and does not.
    mutating func tend() {
        // `up` removes the state file to ask for a start now (LiveEdit),
        // even while a relay that failed waits for its retry.
        guard pid == nil, monotonicSeconds() >= notBefore || (hadRelays && access(paths.relayStateFile, F_OK) != 0) else { return }
        // The current configuration, not the one the supervisor started
        // with: a jail may have gained its first publish line. Without
        // one, it is read again every 5 seconds.
        guard let current = try? ConfigLoader.jails(at: configPath).jail(named: jail.name.value), !current.relays.isEmpty else {
            if hadRelays { unlink(paths.relayStateFile) }
            hadRelays = false
            notBefore = monotonicSeconds() + 5
            return
        }
        hadRelays = true
        guard let executable = try? SupervisorProcess.ownExecutable() else { return }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devNull) }
        do {
            pid = try ChildProcess.spawn(SupervisorProcess.ownImage, ["relay", "--config", configPath, jail.name.value],
                                         environment: ExternalTool.environment, input: nil, output: .file(devNull),
                                         argv0: executable).pid
        } catch {
            failures += 1
            notBefore = monotonicSeconds() + 5
            SystemLog.warning("\(jail.name): cannot start its relay (\(executable))")
        }
    }
}

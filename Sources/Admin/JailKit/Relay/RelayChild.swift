import Glibc

/// The supervisor's side of the jail's relay: it starts `netns-jail relay
/// NAME` when the configuration lists `publish` or `host-service` lines,
/// again whenever it exits (a crash), and at once when `up` asks for one
/// after an edit (RelayState.requestSuccessor). The relay reads the
/// configuration itself when it starts, so an edit takes effect through
/// `up`, the way WireGuard edits do; a relay started on request runs beside
/// the old one until it has taken over its listeners, then ends it. It
/// dies with the supervisor (PR_SET_PDEATHSIG), so a supervisor killed
/// with SIGKILL leaves no relay behind, and the next `up` brings both back.
struct RelayChild {
    let jail: JailDefinition
    let configPath: String
    private(set) var pid: pid_t?
    private var failures = 0
    private var notBefore = 0.0
    private var hadRelays = false
    /// The hand-over request (its file's inode and change time) a relay
    /// was last started for: a later request is a new file, or a renamed
    /// one with a new change time, even if this loop never saw the earlier
    /// one go.
    private var answered: [Int]?

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
        // `up` leaves a hand-over record to ask for a relay now (LiveEdit),
        // even while one runs or one that failed waits for its retry; the
        // new relay removes the record once it has taken over.
        var st = stat()
        let request = stat(paths.relayHandoverFile, &st) == 0 ? [Int(st.st_ino), st.st_ctim.tv_sec, st.st_ctim.tv_nsec] : nil
        guard (pid == nil && monotonicSeconds() >= notBefore) || (request != nil && request != answered) else { return }
        // The current configuration, not the one the supervisor started
        // with: a jail may have gained its first publish line. Without
        // one, it is read again every 5 seconds.
        guard let current = try? ConfigLoader.jails(at: configPath).jail(named: jail.name.value), !current.relays.isEmpty else {
            if hadRelays { unlink(paths.relayStateFile) }
            unlink(paths.relayHandoverFile)
            hadRelays = false
            notBefore = monotonicSeconds() + 5
            return
        }
        hadRelays = true
        guard let executable = try? OwnExecutable.path() else { return }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devNull) }
        do {
            // A relay still running is left to its successor, which ends
            // it; it is reaped like any child (`reaped` ignores it).
            pid = try ChildProcess.spawn(OwnExecutable.image, ["relay", "--config", configPath, jail.name.value],
                                         environment: ExternalTool.environment, input: nil, output: .file(devNull),
                                         argv0: executable).pid
            answered = request
        } catch {
            failures += 1
            notBefore = monotonicSeconds() + 5
            SystemLog.warning("\(jail.name): cannot start its relay (\(executable))")
        }
    }
}

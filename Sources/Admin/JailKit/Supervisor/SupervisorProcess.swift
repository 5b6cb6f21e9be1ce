import Glibc

/// Starting, finding and stopping a jail's supervisor from `up`, `down` and
/// `status`. The supervisor records itself in
/// /run/netns-jail/NAME.supervisor.pid (ProcessRecord: PID and start time)
/// before it does anything, so a supervisor is never left running
/// unrecorded, not even when the `up` that started it is killed at once.
/// The record is trusted only while that PID has the recorded start time
/// and still runs `netns-jail supervise ... NAME`, so a reused PID is never
/// signalled nor taken for a running supervisor.
public enum SupervisorProcess {
    /// What the record says, checked against the kernel.
    public enum State: Sendable, Equatable {
        /// No record: none was started (`up --no-supervisor`), or `down`
        /// or the supervisor itself (its jail gone) removed it.
        case none
        case running(pid: Int32)
        /// A record whose process is gone (killed, crashed) or whose PID
        /// now belongs to another process: nothing repairs the jail.
        case gone(recorded: Int32)
    }

    public static func state(_ paths: JailPaths) -> State {
        let text = String(decoding: readSmallFile(paths.supervisorPidFile, limit: 64), as: UTF8.self)
        guard let line = text.split(separator: "\n").first else { return .none }
        guard let record = ProcessRecord.parse(line) else {
            // An older netns-jail's bare PID, or damage: it proves nothing.
            return .gone(recorded: Int32(line.split(separator: " ").first ?? "") ?? 0)
        }
        return record.isRunning && isSupervisor(record.pid, paths) ? .running(pid: record.pid) : .gone(recorded: record.pid)
    }

    public static func runningPID(_ paths: JailPaths) -> Int32? {
        if case .running(let pid) = state(paths) { return pid }
        return nil
    }

    static func isSupervisor(_ pid: Int32, _ paths: JailPaths) -> Bool {
        let argv = ProcessesInside.arguments(of: pid).filter { !$0.isEmpty }
        return argv.contains("supervise") && argv.last == paths.name.value
            && argv.first.map({ $0.hasSuffix("netns-jail") }) == true
    }

    /// Starts one unless one runs, and waits (at most 5 seconds) until it
    /// has recorded itself. Returns what was there before, so that `up`
    /// can say it replaced a supervisor that had died.
    @discardableResult
    public static func ensureRunning(_ paths: JailPaths, configPath: String) throws(JailError) -> State {
        let before = state(paths)
        if case .running = before { return before }
        let executable = try OwnExecutable.path()
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devNull) }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(OwnExecutable.image, ["supervise", "--config", configPath, paths.name.value],
                                         environment: ExternalTool.environment, input: nil,
                                         output: .file(devNull), newSession: true, argv0: executable).pid
        } catch {
            switch error { case .spawn(let code): throw .failure("cannot start the supervisor (\(executable)): \(String(cString: strerror(code)))") }
        }
        for _ in 0..<500 {
            if runningPID(paths) == pid { return before }
            if let status = ChildProcess.exited(pid) {
                throw .failure("the supervisor exited at start (status \(status)); see syslog")
            }
            usleep(10_000)
        }
        kill(pid, SIGTERM)
        throw .failure("the supervisor did not record itself in \(paths.supervisorPidFile) within 5 seconds; see syslog")
    }

    /// The supervisor's own record, written first thing (Supervisor.run).
    static func recordSelf(_ paths: JailPaths) -> Int32 {
        guard let me = ProcessRecord.current else { return errno }
        return me.write(to: paths.supervisorPidFile)
    }

    /// Stops it (SIGTERM, then SIGKILL); true when none is left. Nothing
    /// renews the forwarded port now, so its port file goes; the port
    /// record stays, so that the next supervisor asks for the same port
    /// (`down` removes it). The supervisor's record goes, unless a new
    /// supervisor has already written its own (init's respawn of a
    /// `--stay` one): that one must stay recorded.
    @discardableResult
    public static func stop(_ paths: JailPaths) -> Bool {
        defer { unlink(paths.portFile) }
        guard let pid = runningPID(paths) else {
            unlink(paths.supervisorPidFile)
            return true
        }
        let stopped = ProcessesInside.terminate([pid], grace: 2).isEmpty
        if runningPID(paths) == nil { unlink(paths.supervisorPidFile) }
        return stopped
    }
}

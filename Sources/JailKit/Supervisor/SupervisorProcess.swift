import Glibc

/// Starting, finding and stopping a jail's supervisor from `up`, `down` and
/// `status`. Its PID is recorded in /run/netns-jail/NAME.supervisor.pid and
/// trusted only while that PID still runs `netns-jail supervise ... NAME`,
/// so a reused PID is never signalled.
public enum SupervisorProcess {
    public static func runningPID(_ paths: JailPaths) -> Int32? {
        let text = String(decoding: readSmallFile(paths.supervisorPidFile, limit: 32), as: UTF8.self)
        guard let pid = Int32(text.split(separator: "\n").first ?? ""), pid > 1 else { return nil }
        let argv = ProcessesInside.arguments(of: pid).filter { !$0.isEmpty }
        guard argv.contains("supervise"), argv.last == paths.name.value,
              argv.first.map({ $0.hasSuffix("netns-jail") }) == true else { return nil }
        return pid
    }

    /// Starts one unless one runs. `executable` is this netns-jail.
    public static func ensureRunning(_ paths: JailPaths, configPath: String) throws(JailError) {
        if runningPID(paths) != nil { return }
        let executable = try ownExecutable()
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devNull) }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(ownImage, ["supervise", "--config", configPath, paths.name.value],
                                         environment: ExternalTool.environment, input: nil,
                                         output: .file(devNull), newSession: true, argv0: executable).pid
        } catch {
            switch error { case .spawn(let code): throw .failure("cannot start the supervisor (\(executable)): \(String(cString: strerror(code)))") }
        }
        let record = Array("\(pid)\n".utf8)
        let fd = open(paths.supervisorPidFile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0, Descriptor.writeAll(fd, record) else {
            if fd >= 0 { close(fd) }
            kill(pid, SIGTERM)
            throw .failure("cannot write \(paths.supervisorPidFile): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    /// What the supervisor and the relay are started from: the very file
    /// this process runs, through the kernel's reference to it, never its
    /// path again. Root chose to run this file; a path looked up a second
    /// time could meanwhile name another one (a directory a user can write
    /// above it), which would then run as root. After a package upgrade
    /// replaced it, a supervisor's relay is still its own version; `up`,
    /// the new file, starts the new supervisor.
    static let ownImage = "/proc/self/exe"

    /// This netns-jail's path, for the child's argv[0] (its command line is
    /// how its PID record is recognised).
    static func ownExecutable() throws(JailError) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw .failure("readlink(/proc/self/exe): \(String(cString: strerror(errno)))") }
        var executable = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Replaced by a package upgrade while we ran: the name it had.
        if executable.hasSuffix(" (deleted)") { executable.removeLast(10) }
        return executable
    }

    /// Stops it (SIGTERM, then SIGKILL); true when none is left. Nothing
    /// renews the forwarded port now, so its port file goes; the record
    /// stays, so that the next supervisor asks for the same port (`down`
    /// removes it).
    @discardableResult
    public static func stop(_ paths: JailPaths) -> Bool {
        defer {
            unlink(paths.supervisorPidFile)
            unlink(paths.portFile)
        }
        guard let pid = runningPID(paths) else { return true }
        return ProcessesInside.terminate([pid], grace: 2).isEmpty
    }
}

import Glibc

/// Starting programs with posix_spawn and waiting with waitpid.
///
/// Why not Foundation's `Process`: its `waitUntilExit()` polls a run loop
/// every 50 ms, and `up` runs about twenty tools that take 2 to 4 ms each,
/// so most of `up` (and of `status`) was spent sleeping. posix_spawn also
/// lets the child get default signal dispositions explicitly: netns-jail
/// ignores SIGPIPE, and an ignored signal, unlike a handled one, survives
/// execve.
enum ChildProcess {
    /// What the child's stdout and stderr go to.
    enum Output {
        /// Collected through pipes and returned.
        case capture
        /// Appended to a file descriptor we hold (wireguard-go's log).
        case file(Int32)
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26+), a macro the Glibc module does
    /// not import.
    static let spawnSetsid: Int16 = 0x80

    struct Exit: Sendable {
        let status: Int32
        let output: [UInt8]
        let errorOutput: [UInt8]
    }

    enum Failure: Error { case spawn(Int32) }

    /// Starts `path` with `arguments` and `environment` (nothing inherited),
    /// stdin from `input` or /dev/null. `newSession`: a daemon that must not
    /// get the terminal's signals aimed at us. `argv0`: the name the child
    /// gets when `path` is a descriptor's name (`/proc/self/exe`).
    /// `inherit`: descriptors the child keeps, each at a fixed number, open
    /// across its exec (checked executables, TrustedExecutable); every
    /// other descriptor of ours is close-on-exec.
    static func spawn(_ path: String, _ arguments: [String], environment: [String: String],
                      input: [UInt8]?, output: Output, newSession: Bool = false,
                      argv0: String? = nil, inherit: [(from: Int32, to: Int32)] = [])
        throws(Failure) -> (pid: pid_t, stdin: Int32, stdout: Int32, stderr: Int32)
    {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= spawnSetsid }
        posix_spawnattr_setflags(&attributes, flags)

        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        func closeAll() { for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) } }
        if input != nil {
            guard closeOnExecPipe(&inPipe) else { throw .spawn(errno) }
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        switch output {
        case .capture:
            guard closeOnExecPipe(&outPipe), closeOnExecPipe(&errPipe) else {
                let e = errno; closeAll(); throw .spawn(e)
            }
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        case .file(let fd):
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_adddup2(&actions, fd, 2)
        }

        // dup2 onto another number clears close-on-exec on the copy; onto
        // the same number it would not, and one target may be another's
        // source. So each is first copied above every target (close-on-exec,
        // closed once the child exists), and the copies are what is dup2'd.
        var copies: [Int32] = []
        defer { for fd in copies { close(fd) } }
        let above = (inherit.map(\.to).max() ?? 2) + 1
        for pair in inherit {
            let copy = fcntl(pair.from, F_DUPFD_CLOEXEC, above)
            guard copy >= 0 else { let e = errno; closeAll(); throw .spawn(e) }
            copies.append(copy)
            posix_spawn_file_actions_adddup2(&actions, copy, pair.to)
        }

        let argv = ([argv0 ?? path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        // The child's ends are the child's now.
        for fd in [inPipe[0], outPipe[1], errPipe[1]] where fd >= 0 { close(fd) }
        guard rc == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] where fd >= 0 { close(fd) }
            throw .spawn(rc)
        }
        return (pid, inPipe[1], outPipe[0], errPipe[0])
    }

    /// Starts `path` held: a shell waits for one line on a pipe, then
    /// execs the program, which keeps the shell's PID and start time. The
    /// caller records the PID (ProcessRecord) and then `release`s it. If
    /// the caller dies first (SIGKILL at any moment), its end of the pipe
    /// closes, the shell reads end of file and exits without running the
    /// program: a daemon netns-jail starts can never outlive it unrecorded,
    /// where `down` would not find it. The held shell's argv is
    /// `/bin/sh -c SCRIPT PATH ARGUMENTS...` (`heldScript`).
    static func spawnHeld(_ path: String, _ arguments: [String], environment: [String: String],
                          output: Output, newSession: Bool, inherit: (from: Int32, to: Int32)? = nil) throws(Failure) -> (pid: pid_t, release: Int32)
    {
        let child = try spawn(heldShell, ["-c", heldScript, path] + arguments, environment: environment,
                              input: [], output: output, newSession: newSession, inherit: inherit.map { [$0] } ?? [])
        return (child.pid, child.stdin)
    }

    static let heldShell = "/bin/sh"
    static let heldScript = "IFS= read -r go || exit 125; exec \"$0\" \"$@\" </dev/null"

    /// Lets a held program run.
    static func release(_ fd: Int32) {
        _ = Descriptor.writeAll(fd, [0x0A])
        close(fd)
    }

    /// Runs a tool to completion: feeds `input`, collects both outputs
    /// through poll (so neither pipe can fill and stall the child), reaps it.
    static func run(_ path: String, _ arguments: [String], environment: [String: String],
                    input: [UInt8]?) throws(Failure) -> Exit
    {
        let child = try spawn(path, arguments, environment: environment, input: input, output: .capture)
        if let input, child.stdin >= 0 {
            // Small inputs only (a ruleset, a WireGuard config): well under a
            // pipe buffer. EPIPE (a tool that exits early) is its own report.
            _ = Descriptor.writeAll(child.stdin, input)
            close(child.stdin)
        }
        let outputs = drain([child.stdout, child.stderr])
        return Exit(status: waitForExit(child.pid), output: outputs[0], errorOutput: outputs[1])
    }

    /// Runs read-only tools at the same time (no input) and returns their
    /// results in order: `status` asks six tools, and one after another
    /// they took most of its time. A tool that cannot start gets nil.
    static func runAll(_ commands: [(path: String, arguments: [String])], environment: [String: String]) -> [Exit?] {
        let children = commands.map { try? spawn($0.path, $0.arguments, environment: environment, input: nil, output: .capture) }
        let outputs = drain(children.flatMap { [$0?.stdout ?? -1, $0?.stderr ?? -1] })
        return children.enumerated().map { i, child in
            child.map { Exit(status: waitForExit($0.pid), output: outputs[2 * i], errorOutput: outputs[2 * i + 1]) }
        }
    }

    /// The exit status as a shell reports it: the code, or 128 + signal.
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 255 }
        }
        return decode(status)
    }

    /// nil while the child runs; its status once it has exited (reaped).
    static func exited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        return r == pid ? decode(status) : nil
    }

    static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// pipe2 is not in the Glibc module; netns-jail starts children from
    /// one thread only, so setting FD_CLOEXEC right after pipe() leaves no
    /// window in which another spawn could inherit the descriptors.
    private static func closeOnExecPipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Reads every descriptor to its end, closing each; negative ones are skipped.
    private static func drain(_ descriptors: [Int32]) -> [[UInt8]] {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var outputs = [[UInt8]](repeating: [], count: descriptors.count)
        var buffer = [UInt8](repeating: 0, count: 16384)
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { close(fds[i].fd); fds[i].fd = -1; continue }
                outputs[i] += buffer[0..<n]
            }
        }
        for fd in fds where fd.fd >= 0 { close(fd.fd) }
        return outputs
    }
}

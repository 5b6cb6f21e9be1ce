import CLinux
import NetnsPolicy

/// The jail's own session bus: one per user and jail, started by the first
/// launch and shared by that user's programs in that jail.
///
/// Programs find their running copy over the session bus (Firefox's and
/// Thunderbird's OpenURL, GApplication, KDE's single-instance names), and
/// KDE programs do not start without one. The user's own bus cannot be
/// given to the jail: its other clients run outside and act from the
/// host's network (SECURITY.md, "The session bus: the jail's own"). So
/// the jail gets a bus of its own, a dbus-daemon that the launcher starts
/// after every privilege is gone, as a jailed process under the program's
/// confinement: the jail's network namespace and mount view, the same
/// process isolation and the same seccomp filter, applied before it is
/// executed. Whatever it starts by service activation starts inside too.
///
/// It listens only on `bus` in the jail's runtime directory (JailRuntime,
/// the same path as /run/user/UID/bus in the jail's view, so a program
/// that ignores DBUS_SESSION_BUS_ADDRESS finds it as well), with a
/// configuration of the project's own (SessionBusConfig, NetnsHost): a
/// Unix path and nothing else (no TCP, no systemd activation), the
/// EXTERNAL authentication, which lets only the user's own uid connect.
/// The configuration is written into a
/// sealed memfd the daemon reads as /proc/self/fd/3: no file of it exists
/// for anyone to change.
///
/// Nothing here refuses a launch: the bus is a convenience, and the
/// program's address names it whether or not it started (a program then
/// finds no bus, as before the jail had one), with one line saying why.
public enum SessionBus {
    /// dbus-daemon at fixed paths: not looked up along the caller's PATH.
    static let daemonPaths = ["/usr/bin/dbus-daemon", "/bin/dbus-daemon"]
    static let startMilliseconds: Int32 = 5000
    static let lockMilliseconds = 10000

    /// After the drop, with the program's environment: makes sure the bus
    /// runs, starting it if no launch has.
    public static func ensure(in runtimeDirectory: String, jail namespace: NamespaceName,
                              allowsHostPtrace: Bool, permitsUserNamespaces: Bool,
                              environment: inout CallerEnvironment) {
        let socket = runtimeDirectory + "/" + SessionBusConfig.socketName
        if answers(socket) { return }
        let directory = cl_open(runtimeDirectory, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else { return warn(namespace, "open(\(runtimeDirectory)): \(Errno.describe(cl_errno()))") }
        defer { close(directory) }
        let lock = cl_openat(directory, SessionBusConfig.lockName, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return warn(namespace, "open(\(SessionBusConfig.lockName)): \(Errno.describe(cl_errno()))") }
        defer { close(lock) }
        var waited = 0
        while cl_try_lock(lock) != 0 {
            guard cl_errno() == EAGAIN || cl_errno() == EINTR, waited < lockMilliseconds else {
                return warn(namespace, "another launch held \(runtimeDirectory)/\(SessionBusConfig.lockName) for \(lockMilliseconds / 1000) s")
            }
            usleep(20_000)
            waited += 20
        }
        // Under the lock: a launch that held it may have started the bus.
        if answers(socket) { return }
        // What is there is dead (a bus killed, a session ended): ours now.
        if unlinkat(directory, SessionBusConfig.socketName, 0) != 0 && cl_errno() != ENOENT {
            return warn(namespace, "unlink(\(socket)): \(Errno.describe(cl_errno()))")
        }
        guard let daemon = daemonPaths.first(where: { access($0, X_OK) == 0 }) else {
            return warn(namespace, "dbus-daemon is not installed (install dbus)")
        }
        if let failure = start(daemon, listeningOn: socket, allowsHostPtrace: allowsHostPtrace,
                               permitsUserNamespaces: permitsUserNamespaces, environment: &environment) {
            warn(namespace, failure)
        }
    }

    /// True when a bus of this jail listens at `socket`: the listener
    /// (SO_PEERCRED) runs in this launch's network namespace. A bus left
    /// from an earlier namespace of the same name (the jail was taken down
    /// and up again while it ran) is not this jail's: it is stopped, and a
    /// new one started in its place. A listener whose namespace cannot be
    /// read (a process outside that is not dumpable, bound at the path the
    /// jail's runtime directory has outside) is not trusted either: its
    /// socket is replaced, and it is left alone.
    static func answers(_ socket: String) -> Bool {
        var peer: pid_t = 0
        let fd = cl_unix_connect(socket, &peer)
        guard fd >= 0 else { return false }
        close(fd)
        switch cl_same_netns_as(peer) {
        case 1: return true
        case 0: _ = kill(peer, SIGTERM); return false
        default: return false
        }
    }

    /// Starts the daemon and waits until it listens; nil, or what failed.
    static func start(_ daemon: String, listeningOn socket: String, allowsHostPtrace: Bool,
                      permitsUserNamespaces: Bool, environment: inout CallerEnvironment) -> String? {
        var text = SessionBusConfig.configuration(listeningOn: socket)
        let config = text.withUTF8 { cl_sealed_memfd("netns-exec-bus.conf", $0.baseAddress, $0.count) }
        guard config >= 0 else { return "memfd_create: \(Errno.describe(cl_errno()))" }
        defer { close(config) }
        var ready: [Int32] = [-1, -1]
        guard cl_pipe(&ready) == 0 else { return "pipe: \(Errno.describe(cl_errno()))" }
        let arguments = [daemon, "--nofork", "--nopidfile", "--config-file=/proc/self/fd/3", "--print-address=4"]
        var storage = arguments.map { Array($0.utf8CString) }
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        for i in storage.indices {
            storage[i].withUnsafeMutableBufferPointer { pointers.append($0.baseAddress) }
        }
        pointers.append(nil)
        let child = fork()
        if child == 0 {
            // The child forks the daemon and ends at once, so the daemon
            // belongs to no launch (it is reparented) and its pid is the
            // listener's (answers() checks it).
            if fork() != 0 { _exit(0) }
            runDaemon(&pointers, config: config, ready: ready[1], allowsHostPtrace: allowsHostPtrace,
                      permitsUserNamespaces: permitsUserNamespaces, environment: &environment)
        }
        close(ready[1])
        defer { close(ready[0]) }
        guard child > 0 else { return "fork: \(Errno.describe(cl_errno()))" }
        _ = cl_wait_child(child)
        // The daemon prints its address once it listens; EOF means it ended.
        var byte: UInt8 = 0
        guard cl_wait_readable(ready[0], startMilliseconds) == 1, read(ready[0], &byte, 1) == 1 else {
            return "dbus-daemon did not start within \(startMilliseconds / 1000) s"
        }
        return nil
    }

    /// In the daemon's process: its descriptors, a session of its own, the
    /// program's confinement, then the daemon. Never returns.
    static func runDaemon(_ argv: inout [UnsafeMutablePointer<CChar>?], config: Int32, ready: Int32,
                          allowsHostPtrace: Bool, permitsUserNamespaces: Bool,
                          environment: inout CallerEnvironment) -> Never {
        _ = setsid()
        _ = chdir("/")
        let null = cl_open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { _exit(126) }
        for fd: Int32 in 0...2 { _ = cl_dup2(null, fd) }
        // Only stdio, the configuration (3) and the readiness pipe (4): no
        // descriptor the caller passed to the launch reaches the daemon.
        let pipe = ready == 3 ? cl_dup_cloexec(ready) : ready
        guard pipe >= 0, cl_move_descriptor(config, 3) == 0, cl_move_descriptor(pipe, 4) == 0,
              cl_close_from(5) == 0 else { _exit(126) }
        do throws(Refusal) {
            _ = try ProcessScope.confine(allowsHostPtrace: allowsHostPtrace)
            try SyscallFilter.loadJail(permitsUserNamespaces: permitsUserNamespaces)
        } catch { _exit(126) }
        _ = environment.withEnvp { envp in
            argv.withUnsafeBufferPointer { execve($0[0]!, $0.baseAddress!, envp) }
        }
        _exit(127)
    }

    static func warn(_ namespace: NamespaceName, _ why: String) {
        Console.error("jail \(namespace) has no session bus for this launch (\(why)); programs that need one may not start")
    }
}

import Glibc
import NetnsHost
import NetnsPolicy

/// Runs the administrator's `port-forward-hook` when the forwarded port
/// changes: inside the jail's network namespace, as `port-forward-user`,
/// with the port as its last argument and in NETNS_JAIL_PORT.
///
/// How it is started, and why: the way any user enters a jail, so that the
/// jail's view has one home (netns-exec's MountView and RunView) and no
/// second copy of it here can fall behind:
///  - setpriv drops to the user's uid, gid and groups with no inheritable
///    capabilities (no no_new_privs and the bounding set kept, or the
///    launcher's file capability would not take);
///  - it executes netns-exec, which enters the jail as that user: the
///    jail's network, its /etc with the jail's resolv.conf, its /run
///    without the host's socket resolvers (JailRun's list), its /proc,
///    process isolation and the seccomp filter, then executes the hook.
///    So `port-forward-user` must be admitted to the jail in
///    netns-exec.conf(5), like anyone who runs programs in it; `up` says
///    so when the installed policy does not admit it, and a user who is
///    not admitted gets the launcher's own refusal in the hook's log.
/// Both files must be root-controlled, and so must every directory above
/// them (TrustedExecutable): the hook is configured by root and runs as
/// another user in every jail that names it, and netns-exec is the one
/// beside netns-jail (LauncherPath). Each is opened once per run and that
/// descriptor is what runs; the hook's configured path is in
/// NETNS_JAIL_HOOK (a script's $0 is /proc/self/fd/3). The hook keeps the
/// launcher's descriptor (4, O_PATH), which gives it nothing it could not
/// open itself.
///
/// It cannot wedge the supervisor: the supervisor never waits for it. It
/// runs in a session of its own; the supervisor looks at it each round and
/// after `timeout` seconds kills its process group and then it, by PID. The
/// PID stays ours until we reap it, so neither can name another process.
/// A failed run is tried again with a doubling wait (10 s to 5 min).
public struct PortForwardHook {
    public let jail: String
    public let paths: JailPaths
    public let command: [String]
    public let user: String
    public var timeout: Double = 30

    private var running: (pid: pid_t, port: UInt16, deadline: Double)?
    /// The port the hook last took (exit status 0).
    private var delivered: UInt16?
    private var failures = 0
    private var retryAt = 0.0

    public init(jail: String, paths: JailPaths, command: [String], user: String) {
        self.jail = jail
        self.paths = paths
        self.command = command
        self.user = user
    }

    /// The hook's checked descriptor in the child, open across every exec
    /// (setpriv, netns-exec) so that netns-exec executes `/proc/self/fd/3`,
    /// the checked file, and a `#!` interpreter can open it under that name.
    static let hookFD: Int32 = 3
    /// netns-exec's checked descriptor, which setpriv executes.
    static let launcherFD: Int32 = 4

    /// The setpriv arguments that run the hook as `uid`:`gid` through the
    /// launcher (launcherFD) in `jail`, with the port as its last argument.
    static func arguments(uid: uid_t, gid: gid_t, jail: String, command: [String], port: UInt16) -> [String] {
        ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--inh-caps=-all", "--",
         "/proc/self/fd/\(launcherFD)", jail, "/proc/self/fd/\(hookFD)"] + command.dropFirst() + ["\(port)"]
    }

    /// `up`'s check of the configured hook, so that a hook the supervisor
    /// would refuse to run stops `up` with one line instead of a syslog
    /// line later. The supervisor checks again before every run. The
    /// launcher's policy is the launcher's to apply; `up` only warns when
    /// the installed one does not admit `port-forward-user` to `jail`.
    public static func check(_ settings: PortForwardSettings?, jail: NamespaceName) throws(JailError) {
        guard let settings, let path = settings.hook.first else { return }
        do { _ = try TrustedExecutable.open(path) } catch {
            throw .config("port-forward-hook: \(error.message)")
        }
        guard let launcher = LauncherPath.locate() else { throw .config("port-forward-hook: \(LauncherPath.missing)") }
        do { _ = try TrustedExecutable.open(launcher) } catch {
            throw .config("port-forward-hook runs through \(launcher), and \(error.message)")
        }
        if let user = settings.hookUser, !admitted(user, to: jail) {
            Console.warn("port-forward-user \(user) may not enter \(jail) in \(HostPaths.installedPolicyFile), so netns-exec will refuse to run the hook; add \(user) to the line of \(jail) there (netns-exec.conf(5))")
        }
    }

    /// Whether the installed policy lets `user` into `jail`, as the
    /// launcher decides it (PolicyEntry.admits, by uid and by the user's
    /// groups); true when there is no readable policy to judge by (doctor
    /// reports that).
    static func admitted(_ user: String, to jail: NamespaceName,
                         policyPath: String = HostPaths.installedPolicyFile) -> Bool {
        guard let file = try? ConfigFile.read(policyPath), let policy = try? Policy.parse(file.bytes),
              let entry = getpwnam(user) else { return true }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        var groups = [gid_t](repeating: 0, count: 256)
        var count = Int32(groups.count)
        if getgrouplist(entry.pointee.pw_name, gid, &groups, &count) < 0 { count = 0 }
        let memberships = Set(groups.prefix(Int(max(count, 0)))).union([gid])
        return policy.entry(for: jail)?.admits(
            isUser: { name in getpwnam(name).map { $0.pointee.pw_uid == uid } ?? false },
            isInGroup: { name in getgrnam(name).map { memberships.contains($0.pointee.gr_gid) } ?? false }) ?? false
    }

    /// One supervisor round: start, kill or retry as needed for `port`.
    public mutating func tick(port: UInt16?, now: Double) {
        if let run = running {
            if now >= run.deadline {
                SystemLog.warning("\(jail): port-forward hook for port \(run.port) ran over \(Int(timeout)) s; killing it (PID \(run.pid))")
                kill(-run.pid, SIGKILL)
                kill(run.pid, SIGKILL)
                running?.deadline = .infinity
            }
            return
        }
        guard let port, port != delivered, now >= retryAt else { return }
        start(port: port, now: now)
    }

    /// The supervisor reaped `pid`; true when it was the hook.
    public mutating func reaped(_ pid: pid_t, status: Int32, now: Double) -> Bool {
        guard let run = running, run.pid == pid else { return false }
        running = nil
        if status == 0 {
            SystemLog.info("\(jail): port-forward hook took port \(run.port)")
            delivered = run.port
            failures = 0
        } else {
            failures += 1
            let wait = min(300, 10 * Double(1 << min(failures - 1, 5)))
            retryAt = now + wait
            SystemLog.warning("\(jail): port-forward hook for port \(run.port) failed (exit status \(status)); see \(paths.portForwardHookLog); trying again in \(Int(wait)) s")
        }
        return true
    }

    private mutating func start(port: UInt16, now: Double) {
        func refuse(_ text: String) {
            SystemLog.warning("\(jail): port-forward hook not run: \(text)")
            // Also where the hook's own output would be, for whoever looks there.
            let log = open(paths.portForwardHookLog, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if log >= 0 { _ = Descriptor.writeAll(log, Array("netns-jail: port-forward hook not run: \(text)\n".utf8)); close(log) }
            failures += 1
            retryAt = now + 60
        }
        // Walked from / and opened once; what runs is these descriptors
        // (inherited as hookFD and launcherFD), so a directory or file
        // swapped after the check changes nothing. Held open until the
        // child has them.
        let hook: TrustedExecutable, launcher: TrustedExecutable
        do { hook = try TrustedExecutable.open(command[0]) } catch { return refuse(error.message) }
        defer { withExtendedLifetime(hook) {} }
        guard let launcherPath = LauncherPath.locate() else { return refuse(LauncherPath.missing) }
        do { launcher = try TrustedExecutable.open(launcherPath) } catch { return refuse(error.message) }
        defer { withExtendedLifetime(launcher) {} }
        guard let entry = getpwnam(user) else { return refuse("no user \(user); fix port-forward-user") }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        guard uid != 0 else { return refuse("port-forward-user \(user) is root; name an unprivileged user") }
        guard let setpriv = ExternalTool.setpriv.path else { return refuse("setpriv not found; install util-linux") }
        let log = open(paths.portForwardHookLog, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard log >= 0 else { return refuse("cannot open \(paths.portForwardHookLog): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        let arguments = PortForwardHook.arguments(uid: uid, gid: gid, jail: jail, command: command, port: port)
        let environment = ExternalTool.environment.merging(
            ["NETNS_JAIL": jail, "NETNS_JAIL_PORT": "\(port)", "NETNS_JAIL_HOOK": command[0], "HOME": "/"]) { $1 }
        do {
            let child = try ChildProcess.spawn(setpriv, arguments, environment: environment, input: nil,
                                               output: .file(log), newSession: true,
                                               inherit: [(hook.descriptor, PortForwardHook.hookFD),
                                                         (launcher.descriptor, PortForwardHook.launcherFD)])
            running = (child.pid, port, now + timeout)
            SystemLog.info("\(jail): port-forward hook started for port \(port) as \(user) through \(launcherPath) (PID \(child.pid))")
        } catch {
            switch error { case .spawn(let code): refuse("cannot start setpriv: \(String(cString: strerror(code)))") }
        }
    }
}

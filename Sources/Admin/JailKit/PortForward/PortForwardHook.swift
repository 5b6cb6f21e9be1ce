import Glibc
import NetnsHost

/// Runs the administrator's `port-forward-hook` when the forwarded port
/// changes: inside the jail's network namespace, as `port-forward-user`,
/// with the port as its last argument and in NETNS_JAIL_PORT.
///
/// How it is started, and why:
///  - `ip netns exec NAME` (the way netns-jail runs anything inside a
///    jail): the jail's network and its /etc/netns/NAME/resolv.conf;
///  - a fixed sh script then hides the resolvers that answer over a Unix
///    socket from the host's namespace (JailRun's list: nscd,
///    systemd-resolved, avahi), as netns-exec's RunView does, so a name the hook looks up cannot be
///    resolved outside the tunnel; a mount that fails stops it (exit 125);
///  - setpriv drops to the user's uid, gid and groups with no capabilities,
///    no bounding set and no_new_privs before the hook itself is executed.
/// The hook file must be root-controlled, and so must every directory
/// above it (TrustedExecutable): it is configured by root and runs as
/// another user in every jail that names it. It is opened once per run and
/// that descriptor is what runs; its configured path is in NETNS_JAIL_HOOK
/// (a script's $0 is /proc/self/fd/3).
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
    /// (ip, sh, setpriv) so that setpriv executes `/proc/self/fd/3`, the
    /// checked file, and a `#!` interpreter can open it under that name.
    static let hookFD: Int32 = 3

    /// Hides the host's socket resolvers, drops to $1:$2, runs the rest.
    static let script = """
        for d in \(JailRun.hidden.map { "/run/" + $0 }.joined(separator: " ")); do
            if [ -d "$d" ]; then mount -t tmpfs -o size=4k,mode=0755 netns-jail-hidden "$d" || exit 125; fi
        done
        uid=$1 gid=$2; shift 2
        exec setpriv --reuid="$uid" --regid="$gid" --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
        """

    /// `up`'s check of the configured hook, so that a hook the supervisor
    /// would refuse to run stops `up` with one line instead of a syslog
    /// line later. The supervisor checks again before every run.
    public static func check(_ settings: PortForwardSettings?) throws(JailError) {
        guard let path = settings?.hook.first else { return }
        do { _ = try TrustedExecutable.open(path) } catch {
            throw .config("port-forward-hook: \(error.message)")
        }
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
        // Walked from / and opened once; what setpriv executes is this
        // descriptor (inherited as hookFD), so a directory or file swapped
        // after the check changes nothing. Held open until the child has it.
        let hook: TrustedExecutable
        do { hook = try TrustedExecutable.open(command[0]) } catch { return refuse(error.message) }
        defer { withExtendedLifetime(hook) {} }
        guard let entry = getpwnam(user) else { return refuse("no user \(user); fix port-forward-user") }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        guard uid != 0 else { return refuse("port-forward-user \(user) is root; name an unprivileged user") }
        guard let ip = ExternalTool.ip.path else { return refuse("ip not found") }
        let log = open(paths.portForwardHookLog, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard log >= 0 else { return refuse("cannot open \(paths.portForwardHookLog): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        let arguments = ExternalTool.netnsExec(jail, ["/bin/sh", "-c", PortForwardHook.script, "hook", "\(uid)", "\(gid)"]
            + ["/proc/self/fd/\(PortForwardHook.hookFD)"] + command.dropFirst() + ["\(port)"])
        let environment = ExternalTool.environment.merging(
            ["NETNS_JAIL": jail, "NETNS_JAIL_PORT": "\(port)", "NETNS_JAIL_HOOK": command[0], "HOME": "/"]) { $1 }
        do {
            let child = try ChildProcess.spawn(ip, arguments, environment: environment, input: nil,
                                               output: .file(log), newSession: true,
                                               inherit: (hook.descriptor, PortForwardHook.hookFD))
            running = (child.pid, port, now + timeout)
            SystemLog.info("\(jail): port-forward hook started for port \(port) as \(user) (PID \(child.pid))")
        } catch {
            switch error { case .spawn(let code): refuse("cannot start ip: \(String(cString: strerror(code)))") }
        }
    }
}

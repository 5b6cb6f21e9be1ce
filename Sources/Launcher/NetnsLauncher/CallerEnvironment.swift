import CLinux
import NetnsPolicy
import NetnsLimits

/// The environment the command receives: the caller's own, byte for byte,
/// plus NETNS_EXEC=NAME; where the jail keeps its own state, without the
/// XDG base-directory overrides, XDG_RUNTIME_DIR naming the jail's runtime
/// directory, and the session bus address naming the jail's own bus
/// (SessionBus), or no bus where the jail has no runtime directory.
///
/// Because netns-exec carries a file capability, the C library starts it in
/// secure mode and deletes variables such as LD_PRELOAD, LD_LIBRARY_PATH,
/// TMPDIR and LOCPATH from its environment before main. That protects the
/// launcher, which is right, but the command runs without privilege, so it
/// is entitled to them. The kernel keeps the environment exactly as the
/// caller passed it in /proc/self/environ; it is read from there.
///
/// A program started with file capabilities is not dumpable, and the
/// kernel then makes its /proc/self files root's, so the caller cannot read
/// its own environ. This runs only after Privileges.dropAll(), when the
/// process holds nothing the caller lacks, so it marks itself dumpable
/// again first, as execve of the unprivileged command is about to do anyway.
/// (That lets the same user ptrace the launcher for its last instants, which
/// gives them nothing: it runs as them, without capabilities, in a jail
/// they asked for; process isolation and the filter still follow before
/// the command runs.)
public struct CallerEnvironment: ~Copyable {
    /// The rules of what the command gets are CommandEnvironment's
    /// (NetnsHost, unit-tested in SwiftPM); this reads the caller's bytes.
    private var environment: CommandEnvironment

    static let maximumSize = Int(NX_ENVIRON_MAX_BYTES)

    /// `runtimeDirectory`: the jail's, as MountView returned it (nil under
    /// state=shared, or without one).
    public init(namespace: NamespaceName, sharesState: Bool, runtimeDirectory: String?) throws(Refusal) {
        guard cl_get_no_new_privs() == 1, cl_set_dumpable() == 0 else {
            throw .system(call: "prctl", path: "PR_SET_DUMPABLE", errno: cl_errno())
        }
        let fd = cl_open("/proc/self/environ", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(call: "open", path: "/proc/self/environ", errno: cl_errno()) }
        defer { close(fd) }
        guard let bytes = try Descriptor.readAll(fd, limit: CallerEnvironment.maximumSize, path: "/proc/self/environ") else {
            throw .denied("the environment is larger than \(CallerEnvironment.maximumSize) bytes")
        }
        environment = CommandEnvironment(caller: bytes, namespace: namespace.value, sharesState: sharesState,
                                         runtimeDirectory: runtimeDirectory)
    }

    /// The value of `name` as the command will see it, or nil (for the
    /// hand-off check's PATH lookup: the launcher reads no variable itself).
    public func value(of name: String) -> String? { environment.value(of: name) }

    /// Calls `body` with a NULL-terminated envp array that lives for the call.
    public mutating func withEnvp<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        environment.withEnvp(body)
    }
}

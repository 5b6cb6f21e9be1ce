/// How a jailed program is kept from the user's processes outside the jail.
///
/// Those processes share the user's uid, so without a guard the program
/// could ptrace one of them, write its /proc/PID/mem, process_vm_writev into
/// it or take one of its sockets with pidfd_getfd, and so act in the host's
/// network namespace: a full escape. Two kernel mechanisms close all four:
///
///  - A Landlock domain: a process in one may not use ptrace-class access on
///    a process outside it. From ABI 6 (Linux 6.12) it may also not signal
///    one. The domain is permanent; nothing done later undoes it.
///  - Yama with kernel.yama.ptrace_scope >= 1: a process may use
///    ptrace-class access only on its own descendants. The jailed program's
///    descendants are all inside the jail. Weaker than Landlock in two ways
///    (SECURITY.md): an outside process may name a tracer with
///    PR_SET_PTRACER, and root may lower the scope while the program runs.
///
/// Landlock is used only where it does not break programs: any ruleset that
/// handles a filesystem right forbids moving a file into another directory
/// (EXDEV) unless the ruleset can also grant LANDLOCK_ACCESS_FS_REFER, which
/// needs ABI 2 (Linux 5.19). On ABI 1 Yama is used instead when it is there.
///
/// This is the one home of the rule: the launcher applies it and
/// `netns-jail doctor` reports it, from the same function.
public enum ProcessIsolation: Equatable, Sendable {
    /// A Landlock domain. `scoped`: ABI 6's signal and abstract-socket
    /// scopes, with no filesystem right handled at all. Otherwise a
    /// ruleset that handles and grants REFER beneath `/`, which makes a
    /// domain and restricts nothing on the filesystem.
    case landlock(abi: Int, scoped: Bool)
    /// Yama at the given ptrace_scope (1, 2 or 3).
    case yama(scope: Int)
    /// Neither, and the administrator gave up the guard for this namespace
    /// with `host-ptrace=allow`.
    case unguarded
    /// Neither; the launch must be refused with `reason`.
    case unavailable(reason: String)

    /// The option in netns-exec.conf that accepts `unguarded`. The name
    /// says what it gives away.
    public static let optOutOption = "host-ptrace=allow"

    /// - Parameters:
    ///   - landlockABI: the kernel's Landlock ABI version, or nil if it has
    ///     none (not built, or not in the lsm= list).
    ///   - yamaScope: /proc/sys/kernel/yama/ptrace_scope, or nil if Yama is
    ///     not active.
    ///   - allowsHostPtrace: the namespace's policy line has the opt-out.
    public static func choose(landlockABI: Int?, yamaScope: Int?, allowsHostPtrace: Bool) -> ProcessIsolation {
        if let abi = landlockABI, abi >= 2 {
            return .landlock(abi: abi, scoped: abi >= 6)
        }
        if let scope = yamaScope, scope >= 1 {
            return .yama(scope: scope)
        }
        if allowsHostPtrace { return .unguarded }
        let landlock: String
        if let abi = landlockABI {
            landlock = "Landlock ABI \(abi) breaks renames across directories (needs Linux 5.19+)"
        } else {
            landlock = "no Landlock"
        }
        let yama = yamaScope == nil ? "no Yama" : "Yama ptrace_scope is 0"
        return .unavailable(reason: "this kernel has \(landlock) and \(yama), so jailed programs could trace your other processes; refusing. As root: sysctl kernel.yama.ptrace_scope=1, or boot with landlock in lsm= (see SECURITY.md)")
    }

    /// One word for logs and `doctor`.
    public var summary: String {
        switch self {
        case .landlock(let abi, let scoped):
            return scoped ? "landlock (ABI \(abi), scoped)" : "landlock (ABI \(abi))"
        case .yama(let scope): return "yama (ptrace_scope \(scope))"
        case .unguarded: return "none (\(ProcessIsolation.optOutOption))"
        case .unavailable: return "refused"
        }
    }
}

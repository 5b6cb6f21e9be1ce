import CLinux
import NetnsPolicy

/// Keeps the jailed program away from the user's processes outside the
/// jail, with whichever kernel mechanism ProcessIsolation.choose picks
/// (the reasoning lives there, beside the rule, so that `netns-jail doctor`
/// reports exactly what happens here).
///
/// Inside the jail gdb and strace keep working on the program's own
/// children under either mechanism, which a seccomp ban on ptrace would
/// have broken.
public enum ProcessScope {
    static let yamaScopePath = "/proc/sys/kernel/yama/ptrace_scope"

    /// Applies the guard; returns it, for the audit log. Runs after every
    /// privilege is gone: it reads only world-readable kernel settings, and
    /// Landlock requires no_new_privs, which Privileges.dropAll sets.
    public static func confine(allowsHostPtrace: Bool) throws(Refusal) -> ProcessIsolation {
        let isolation = ProcessIsolation.choose(landlockABI: try landlockABI(),
                                                yamaScope: try yamaScope(),
                                                allowsHostPtrace: allowsHostPtrace)
        switch isolation {
        case .landlock(_, let scoped):
            guard cl_landlock_confine(scoped ? 1 : 0) == 0 else {
                throw .system(call: "landlock_restrict_self", path: nil, errno: cl_errno())
            }
        case .yama, .unguarded:
            // Yama is system-wide and already applies to us; nothing to set.
            break
        case .unavailable(let reason):
            throw .denied(reason)
        }
        return isolation
    }

    /// nil when the kernel has no Landlock (not built, or not in lsm=).
    static func landlockABI() throws(Refusal) -> Int? {
        let abi = cl_landlock_abi()
        if abi >= 1 { return Int(abi) }
        let code = cl_errno()
        if code == ENOSYS || code == EOPNOTSUPP { return nil }
        throw .system(call: "landlock_create_ruleset", path: nil, errno: code)
    }

    /// nil when Yama is not active (its sysctl exists only then).
    static func yamaScope() throws(Refusal) -> Int? {
        let fd = cl_open(yamaScopePath, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        if fd < 0 {
            if cl_errno() == ENOENT { return nil }
            throw .system(call: "open", path: yamaScopePath, errno: cl_errno())
        }
        defer { close(fd) }
        // A single digit and a newline.
        guard let bytes = try Descriptor.readAll(fd, limit: 8, path: yamaScopePath),
              let digit = bytes.first, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
            throw .system(call: "read", path: yamaScopePath, errno: EINVAL)
        }
        return Int(digit - UInt8(ascii: "0"))
    }
}

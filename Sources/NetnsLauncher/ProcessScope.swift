import CLinux

/// Keeps the jailed program away from the user's processes outside the jail.
///
/// Those processes share the user's uid, so without more the program could
/// ptrace one of them, write its /proc/PID/mem, or take one of its sockets
/// with pidfd_getfd, and so act in the host's network namespace: a full
/// escape. A Landlock domain closes all of these precisely: a process in a
/// domain may not use ptrace-class access on a process outside it (Landlock
/// ABI 1, Linux 5.13), and from ABI 6 (Linux 6.12) it may not signal one
/// either. Inside the jail gdb and strace keep working on the program's own
/// children, which a seccomp ban on ptrace would have broken.
///
/// Without Landlock the launch is refused: the brief is that one bypass is
/// worse than a missing feature. SECURITY.md says how to enable Landlock.
public enum ProcessScope {
    public static func confine() throws(Refusal) {
        let abi = cl_landlock_abi()
        guard abi >= 1 else {
            let code = cl_errno()
            if code == ENOSYS || code == EOPNOTSUPP {
                throw .denied("this kernel has no Landlock (needs Linux 5.13+ with landlock in the lsm= list), so jailed programs could trace your other processes; refusing. See SECURITY.md")
            }
            throw .system(call: "landlock_create_ruleset", path: nil, errno: code)
        }
        guard cl_landlock_confine(abi) == 0 else {
            throw .system(call: "landlock_restrict_self", path: nil, errno: cl_errno())
        }
    }
}

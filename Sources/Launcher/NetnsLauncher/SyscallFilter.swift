import CLinux

/// The jail's seccomp filter, loaded last before execve: after it the
/// launcher makes no call the filter has to allow (bubblewrap's rule).
///
/// The rules, and the reason for each, are in
/// Sources/Filter/netns-exec-filter/JailFilter.swift. That program runs at build
/// time and lets libseccomp turn them into BPF for every ABI this kernel
/// runs (x86_64, i386 and x32 on x86_64); the launcher loads the finished
/// program with one seccomp(2) call, so the privileged process carries no
/// rule compiler and no libseccomp. The filter needs no_new_privs, which
/// Privileges.dropAll has set and checked.
public enum SyscallFilter {
    /// `permitsUserNamespaces`: the namespace's policy allows user
    /// namespaces (the default; false under `userns=deny`), and the variant
    /// built for it is loaded (JailFilter.swift).
    public static func loadJail(permitsUserNamespaces: Bool) throws(Refusal) {
        guard cl_load_jail_filter(permitsUserNamespaces ? 1 : 0) == 0 else {
            throw .system(call: "seccomp", path: "SECCOMP_SET_MODE_FILTER", errno: cl_errno())
        }
    }
}

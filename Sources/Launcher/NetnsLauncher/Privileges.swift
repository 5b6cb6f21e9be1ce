import CLinux
import NetnsPolicy

/// The capabilities netns-exec holds from its file, and their removal.
///
/// netns-exec runs as the calling user; only the file capability
/// CAP_SYS_ADMIN (needed by setns, unshare(CLONE_NEWNS) and mount) makes it
/// special. Before the command runs, every capability set is emptied and
/// no_new_privs is set, then the sets are read back: a drop that did not
/// take effect stops the launch, because the command would otherwise run
/// with CAP_SYS_ADMIN.
///
/// The bounding set is left alone: lowering it needs CAP_SETPCAP, which we
/// do not hold, and with no_new_privs set no execve can raise the permitted
/// set above what it was (empty), whatever the bounding set or a setuid bit
/// or file capability on the program says.
public enum Privileges {
    /// Not dumpable while privileged: the kernel already makes a program
    /// started with file capabilities so, and we state it rather than rely
    /// on it, so that the caller can neither ptrace us nor read our memory
    /// through /proc until every privilege is gone (CallerEnvironment turns
    /// it back on then, as the command's execve would).
    public static func stayUndumpable() throws(Refusal) {
        guard cl_set_not_dumpable() == 0 else {
            throw .system(call: "prctl", path: "PR_SET_DUMPABLE 0", errno: cl_errno())
        }
    }

    public static func dropAll() throws(Refusal) {
        guard cl_clear_ambient_caps() == 0 else {
            throw .system(call: "prctl", path: "PR_CAP_AMBIENT_CLEAR_ALL", errno: cl_errno())
        }
        guard cl_drop_capabilities() == 0 else {
            throw .system(call: "capset", path: "drop all", errno: cl_errno())
        }
        guard cl_set_no_new_privs() == 0 else {
            throw .system(call: "prctl", path: "PR_SET_NO_NEW_PRIVS", errno: cl_errno())
        }
        try verifyDropped()
    }

    /// Reads the sets back from the kernel. capset cannot half-succeed, but
    /// checking costs a few system calls and turns any surprise into a
    /// refusal instead of a privileged command.
    static func verifyDropped() throws(Refusal) {
        switch cl_capabilities_are_empty() {
        case 1: break
        case 0: throw .denied("capabilities are still held after dropping them; refusing to run the command")
        default: throw .system(call: "capget", path: nil, errno: cl_errno())
        }
        // The ambient set is a subset of permitted and inheritable, both
        // now empty, so it must be empty; we check it anyway.
        switch cl_ambient_set_is_empty() {
        case 1: break
        case 0: throw .denied("an ambient capability is still set after dropping them; refusing to run the command")
        default: throw .system(call: "prctl", path: "PR_CAP_AMBIENT_IS_SET", errno: cl_errno())
        }
        guard cl_get_no_new_privs() == 1 else {
            throw .denied("no_new_privs did not take effect; refusing to run the command")
        }
    }

    /// The message for a launcher that lacks its file capability: not
    /// installed with `make install` as root, copied without `cp -a`, on a
    /// nosuid mount, or unpacked by a package tool that drops xattrs.
    static func missingCapabilityRefusal() -> Refusal {
        .denied("netns-exec lacks CAP_SYS_ADMIN: install it with make install as root, or run as root: setcap cap_sys_admin+ep \(selfPath()) (and check the filesystem is not mounted nosuid)")
    }

    static func selfPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "netns-exec" }
        buffer[n] = 0
        return Quoted.bytes(buffer[..<n].map { UInt8(bitPattern: $0) })
    }
}

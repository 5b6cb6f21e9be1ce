import CCap
import CLinux
import Glibc
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
    public static func dropAll() throws(Refusal) {
        guard cl_clear_ambient_caps() == 0 else {
            throw .system(call: "prctl", path: "PR_CAP_AMBIENT_CLEAR_ALL", errno: errno)
        }
        guard let empty = cap_init() else { throw .system(call: "cap_init", path: nil, errno: errno) }
        defer { cap_free(UnsafeMutableRawPointer(empty)) }
        guard cap_set_proc(empty) == 0 else {
            throw .system(call: "capset", path: "drop all", errno: errno)
        }
        guard cl_set_no_new_privs() == 0 else {
            throw .system(call: "prctl", path: "PR_SET_NO_NEW_PRIVS", errno: errno)
        }
        try verifyDropped(against: empty)
    }

    /// Reads the sets back from the kernel. capset cannot half-succeed, but
    /// checking costs two system calls and turns any surprise into a
    /// refusal instead of a privileged command.
    static func verifyDropped(against empty: cap_t) throws(Refusal) {
        guard let now = cap_get_proc() else { throw .system(call: "capget", path: nil, errno: errno) }
        defer { cap_free(UnsafeMutableRawPointer(now)) }
        guard cap_compare(now, empty) == 0 else {
            throw .denied("capabilities are still held after dropping them; refusing to run the command")
        }
        // The ambient set is a subset of permitted and inheritable, both
        // now empty, so it must be empty; we check it anyway.
        let last = Int32(cap_max_bits())
        for cap in 0..<last where cl_ambient_is_set(cap) != 0 {
            throw .denied("ambient capability \(cap) is still set after dropping it; refusing to run the command")
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

import Glibc

/// A file capability as the kernel stores it: the `security.capability`
/// extended attribute, a little-endian struct vfs_cap_data
/// (linux/capability.h). Read directly so that doctor needs no libcap and
/// judges exactly the bytes the kernel will use at exec.
public struct FileCapability: Equatable, Sendable {
    public let permitted: UInt64
    public let inheritable: UInt64
    /// VFS_CAP_FLAGS_EFFECTIVE: the permitted set becomes effective at exec.
    public let effective: Bool
    /// Revision 3 only: the uid that is root of the user namespace the
    /// capability applies in. 0, or absent, is the host's.
    public let rootID: UInt32?

    public static let attribute = "security.capability"
    /// CAP_SYS_ADMIN, the one capability netns-exec carries (SECURITY.md).
    public static let sysAdmin: UInt64 = 1 << 21

    public init(permitted: UInt64, inheritable: UInt64, effective: Bool, rootID: UInt32? = nil) {
        self.permitted = permitted
        self.inheritable = inheritable
        self.effective = effective
        self.rootID = rootID
    }

    /// nil for bytes the kernel would not accept either.
    public init?(attribute bytes: [UInt8]) {
        func word(_ index: Int) -> UInt32 {
            let at = index * 4
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        guard bytes.count >= 4 else { return nil }
        let magic = word(0)
        let effective = magic & 0x0000_0001 != 0
        switch (magic & 0xFF00_0000, bytes.count) {
        case (0x0100_0000, 12):
            self.init(permitted: UInt64(word(1)), inheritable: UInt64(word(2)), effective: effective)
        case (0x0200_0000, 20):
            self.init(permitted: UInt64(word(1)) | UInt64(word(3)) << 32,
                      inheritable: UInt64(word(2)) | UInt64(word(4)) << 32, effective: effective)
        case (0x0300_0000, 24):
            self.init(permitted: UInt64(word(1)) | UInt64(word(3)) << 32,
                      inheritable: UInt64(word(2)) | UInt64(word(4)) << 32, effective: effective, rootID: word(5))
        default:
            return nil
        }
    }

    public enum ReadResult: Equatable, Sendable {
        case present(FileCapability)
        case none
        case malformed
        case unreadable(Int32)
    }

    /// Reads the attribute. Swift's Glibc module has no getxattr, so the
    /// caller passes it in: it fills the buffer and returns the length, or
    /// -errno (netns-jail turns its C call's -1 and errno into that; tests use a stub).
    public typealias AttributeReader = (_ path: String, _ buffer: inout [UInt8]) -> Int

    public static func read(_ path: String, with reader: AttributeReader) -> ReadResult {
        // 24 bytes is the largest revision; a longer value is malformed.
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = reader(path, &buffer)
        if n < 0 { return -n == Int(ENODATA) ? .none : .unreadable(Int32(-n)) }
        guard let capability = FileCapability(attribute: Array(buffer[0..<min(n, buffer.count)])) else { return .malformed }
        return .present(capability)
    }

    /// What netns-exec must carry: `cap_sys_admin=ep`, nothing more, for
    /// the host's user namespace. More would be privilege it never drops
    /// on purpose; no effective bit would leave it without cap_sys_admin.
    public var isLauncherCapability: Bool {
        permitted == FileCapability.sysAdmin && inheritable == 0 && effective && (rootID ?? 0) == 0
    }

    /// getcap's notation, e.g. `cap_sys_admin=ep`.
    public var text: String {
        var parts: [String] = []
        if permitted != 0 { parts.append(FileCapability.names(permitted) + (effective ? "=ep" : "=p")) }
        if inheritable != 0 { parts.append(FileCapability.names(inheritable) + (permitted == 0 ? "=i" : "+i")) }
        if parts.isEmpty { parts.append("an empty set") }
        if let rootID, rootID != 0 { parts.append("[rootid=\(rootID)]") }
        return parts.joined(separator: " ")
    }

    /// In capability-number order, as in linux/capability.h.
    static let knownNames = [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
        "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
        "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
        "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
        "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
        "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
    ]

    static func names(_ set: UInt64) -> String {
        (0..<64).filter { set & (1 << UInt64($0)) != 0 }
            .map { $0 < knownNames.count ? "cap_" + knownNames[$0] : "cap_\($0)" }
            .joined(separator: ",")
    }
}

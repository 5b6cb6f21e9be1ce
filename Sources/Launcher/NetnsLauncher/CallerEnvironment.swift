import CLinux
import NetnsPolicy
import NetnsLimits

/// The environment the command receives: the caller's own, byte for byte,
/// plus NETNS_EXEC=NAME; where the jail keeps its own state, without the
/// XDG base-directory overrides and with the session bus disabled.
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
    private var storage: [UInt8]
    private var offsets: [Int]

    public static let marker = "NETNS_EXEC"
    static let maximumSize = Int(NX_ENVIRON_MAX_BYTES)

    /// Variables the command does not get when the jail keeps its own
    /// state: each could lead a program to the state or the session bus it
    /// shares with its copy outside (XDG_*_HOME naming a directory other
    /// than the ones JailState covers; the bus address).
    static let perJailDropped = ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
                                 "DBUS_SESSION_BUS_ADDRESS"]
    /// An address no D-Bus library can connect to, and that stops libdbus
    /// and GDBus from looking for the session bus any other way (X11
    /// autolaunch would find the outside bus through the display).
    static let noSessionBus = "DBUS_SESSION_BUS_ADDRESS=disabled:"

    public init(namespace: NamespaceName, sharesState: Bool) throws(Refusal) {
        guard cl_get_no_new_privs() == 1, cl_set_dumpable() == 0 else {
            throw .system(call: "prctl", path: "PR_SET_DUMPABLE", errno: cl_errno())
        }
        let fd = cl_open("/proc/self/environ", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(call: "open", path: "/proc/self/environ", errno: cl_errno()) }
        defer { close(fd) }
        guard let bytes = try Descriptor.readAll(fd, limit: CallerEnvironment.maximumSize, path: "/proc/self/environ") else {
            throw .denied("the environment is larger than \(CallerEnvironment.maximumSize) bytes")
        }
        // Drop any NETNS_EXEC the caller set: the child must be able to
        // trust that the variable names the jail it is really in.
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count + 80)
        let prefix = Array((CallerEnvironment.marker + "=").utf8)
        let dropped = (sharesState ? [] : CallerEnvironment.perJailDropped).map { Array(($0 + "=").utf8) }
        for entry in bytes.split(separator: 0, omittingEmptySubsequences: true)
        where !entry.starts(with: prefix) && !dropped.contains(where: { entry.starts(with: $0) }) {
            kept.append(contentsOf: entry)
            kept.append(0)
        }
        if !sharesState {
            kept.append(contentsOf: CallerEnvironment.noSessionBus.utf8)
            kept.append(0)
        }
        kept.append(contentsOf: prefix)
        kept.append(contentsOf: namespace.value.utf8)
        kept.append(0)

        var starts: [Int] = [0]
        for (i, b) in kept.enumerated() where b == 0 && i + 1 < kept.count { starts.append(i + 1) }
        storage = kept
        offsets = starts
    }

    /// The value of `name` as the command will see it, or nil (for the
    /// hand-off check's PATH lookup: the launcher reads no variable itself).
    public func value(of name: String) -> String? {
        let prefix = Array((name + "=").utf8)
        for start in offsets {
            let entry = storage[start...].prefix(while: { $0 != 0 })
            if entry.starts(with: prefix) {
                return String(decoding: entry.dropFirst(prefix.count), as: UTF8.self)
            }
        }
        return nil
    }

    /// Calls `body` with a NULL-terminated envp array that lives for the call.
    public mutating func withEnvp<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let offsets = self.offsets
        return storage.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafeMutablePointer<CChar>?] = offsets.map { base + $0 }
            pointers.append(nil)
            return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
        }
    }
}

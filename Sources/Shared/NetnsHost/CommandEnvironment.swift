/// The environment the command receives, made from the caller's as the
/// kernel gave it (NUL-separated `NAME=value` entries): the caller's own,
/// byte for byte, plus NETNS_EXEC=NAME; where the jail keeps its own
/// state, without the XDG base-directory overrides, with XDG_RUNTIME_DIR
/// naming the jail's runtime directory and the session bus address naming
/// the jail's own bus (SessionBusConfig), or no bus where the jail has no
/// runtime directory. The launcher's CallerEnvironment reads the caller's
/// bytes and says why they are read from /proc/self/environ.
public struct CommandEnvironment: ~Copyable {
    private var storage: [UInt8]
    private var offsets: [Int]

    /// The variable that names the jail the command runs in.
    public static let marker = "NETNS_EXEC"

    /// Variables the command does not get when the jail keeps its own
    /// state: each could lead a program to the state or the session bus it
    /// shares with its copy outside (XDG_*_HOME naming a directory outside
    /// the jail's home; the bus address; a runtime directory elsewhere).
    public static let perJailDropped = ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
                                        "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"]
    /// Where the jail has no runtime directory (so no bus of its own): an
    /// address no D-Bus library can connect to, and that stops libdbus and
    /// GDBus from looking for the session bus any other way (X11 autolaunch
    /// would find the outside bus through the display).
    public static let noSessionBus = "disabled:"

    /// `caller`: the caller's environment block; `namespace`: the jail;
    /// `runtimeDirectory`: the jail's runtime directory as the jail sees
    /// it (nil under state=shared, or where the user has none).
    public init(caller bytes: [UInt8], namespace: String, sharesState: Bool, runtimeDirectory: String? = nil) {
        // Drop any NETNS_EXEC the caller set: the child must be able to
        // trust that the variable names the jail it is really in.
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count + 80)
        let prefix = Array((CommandEnvironment.marker + "=").utf8)
        let dropped = (sharesState ? [] : CommandEnvironment.perJailDropped).map { Array(($0 + "=").utf8) }
        for entry in bytes.split(separator: 0, omittingEmptySubsequences: true)
        where !entry.starts(with: prefix) && !dropped.contains(where: { entry.starts(with: $0) }) {
            kept.append(contentsOf: entry)
            kept.append(0)
        }
        if !sharesState {
            let bus = runtimeDirectory.map { SessionBusConfig.address(in: $0) } ?? CommandEnvironment.noSessionBus
            var added = ["DBUS_SESSION_BUS_ADDRESS=" + bus]
            if let runtimeDirectory { added.append("XDG_RUNTIME_DIR=" + runtimeDirectory) }
            for variable in added {
                kept.append(contentsOf: variable.utf8)
                kept.append(0)
            }
        }
        kept.append(contentsOf: prefix)
        kept.append(contentsOf: namespace.utf8)
        kept.append(0)

        var starts: [Int] = [0]
        for (i, b) in kept.enumerated() where b == 0 && i + 1 < kept.count { starts.append(i + 1) }
        storage = kept
        offsets = starts
    }

    /// The entries in the order the command gets them, without their NULs.
    public var entries: [[UInt8]] {
        offsets.map { Array(storage[$0...].prefix(while: { $0 != 0 })) }
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

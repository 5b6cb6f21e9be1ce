/// Why a settings copy leaves something where it is.
public enum LeftReason: String, Sendable, CaseIterable {
    case lock = "a lock"
    case socket = "a socket"
    case fifo = "a FIFO"
    case device = "a device"
    case special = "not a file or directory"
    case link = "a link out of the profile (not followed)"
    case running = "running state"
    case cache = "a cache"
    case account = "an account, login, cookie or token"
}

/// A name left behind wherever it occurs in a profile, and why.
///
/// Patterns match one path component: an exact name, a prefix
/// (`Singleton*`) or a suffix (`*.lock`).
public struct LeaveRule: Sendable {
    public enum Pattern: Sendable {
        case exact(String), prefix(String), suffix(String)
    }
    public let pattern: Pattern
    public let reason: LeftReason

    public init(_ pattern: Pattern, _ reason: LeftReason) {
        self.pattern = pattern
        self.reason = reason
    }

    public func matches(_ name: String) -> Bool {
        switch pattern {
        case .exact(let s): return name == s
        case .prefix(let s): return name.hasPrefix(s)
        case .suffix(let s): return name.hasSuffix(s) && name.count > s.count
        }
    }
}

/// The rules every profile gets, whatever the program: locks and pid
/// files (a copied lock names a process that is not there, or one that
/// is, outside), and the usual cache directories (rebuilt by the program,
/// and big). Sockets, FIFOs and devices are left by their type, not their
/// name (SettingsCopy), so a socket under any name stays.
public enum LeftBehind {
    public static let everywhere: [LeaveRule] = [
        LeaveRule(.exact("lock"), .lock), LeaveRule(.exact(".lock"), .lock),
        LeaveRule(.exact("LOCK"), .lock), LeaveRule(.exact("lockfile"), .lock),
        LeaveRule(.exact(".parentlock"), .lock), LeaveRule(.exact("parent.lock"), .lock),
        LeaveRule(.suffix(".lock"), .lock), LeaveRule(.suffix(".lck"), .lock),
        LeaveRule(.prefix("Singleton"), .lock),
        LeaveRule(.suffix(".pid"), .running), LeaveRule(.exact("pid"), .running),
        LeaveRule(.exact("cache"), .cache), LeaveRule(.exact("Cache"), .cache),
        LeaveRule(.exact("cache2"), .cache), LeaveRule(.exact("startupCache"), .cache),
        LeaveRule(.exact("Code Cache"), .cache), LeaveRule(.exact("GPUCache"), .cache),
        LeaveRule(.exact("ShaderCache"), .cache), LeaveRule(.exact("GrShaderCache"), .cache),
        LeaveRule(.exact("shader-cache"), .cache), LeaveRule(.exact("thumbnails"), .cache),
        LeaveRule(.exact("crashes"), .running), LeaveRule(.exact("minidumps"), .running),
        LeaveRule(.exact("Crash Reports"), .running),
    ]

    /// The first rule, program's own before the common ones, that leaves
    /// `name` behind, if any.
    public static func reason(for name: String, rules: [LeaveRule]) -> LeftReason? {
        for rule in rules + everywhere where rule.matches(name) { return rule.reason }
        return nil
    }
}

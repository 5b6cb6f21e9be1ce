import Glibc

/// What landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
/// answered. The call itself is made by the caller (netns-jail, through a
/// small C target) because Swift cannot call the variadic syscall(2); this
/// type only says what the answer means.
public enum LandlockSupport: Equatable, Sendable {
    case abi(Int)
    /// ENOSYS: the kernel was built without Landlock, or is older than 5.13.
    case notBuilt
    /// EOPNOTSUPP: built in, but not in the active lsm= list.
    case disabled
    /// Any other error; the launcher refuses to start on it.
    case error(Int32)

    /// - Parameters: what nx_landlock_abi returned: the ABI (>= 1), or -1
    ///   and `errno`.
    public init(probeResult result: Int32, errno code: Int32) {
        switch (result, code) {
        case (1..., _): self = .abi(Int(result))
        case (_, ENOSYS): self = .notBuilt
        case (_, EOPNOTSUPP): self = .disabled
        default: self = .error(code)
        }
    }

    /// What ProcessIsolation.choose takes: the launcher treats ENOSYS and
    /// EOPNOTSUPP alike as "no Landlock".
    public var abi: Int? {
        if case .abi(let version) = self { return version }
        return nil
    }

    /// Why there is no ABI, and the remedy, for a doctor line.
    var absence: String {
        switch self {
        case .abi(let version): return "Landlock ABI \(version)"
        case .notBuilt: return "the kernel has no Landlock (it needs Linux 5.13+ built with CONFIG_SECURITY_LANDLOCK)"
        case .disabled: return "Landlock is built in but not enabled: add landlock to the lsm= kernel parameter (cat /sys/kernel/security/lsm shows the active list)"
        case .error(let code): return "landlock_create_ruleset failed: \(String(cString: strerror(code)))"
        }
    }
}

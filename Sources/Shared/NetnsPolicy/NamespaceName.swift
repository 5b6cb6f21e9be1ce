import NetnsLimits

/// The name of a network namespace under /run/netns.
///
/// Only `[A-Za-z0-9][A-Za-z0-9_.-]{0,63}` is accepted. The first character
/// cannot be `.` or `-`, so `.`, `..`, hidden names and names that look like
/// options are all refused, and no `/` can ever reach `openat`. Validation is
/// byte-wise: a name that is not ASCII is refused, never normalised.
public struct NamespaceName: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public static let maximumLength = Int(NX_NAMESPACE_NAME_MAX)

    /// The rule in words, for every message that refuses a name.
    public static var rule: String {
        "use letters, digits, '_', '.' and '-', at most \(maximumLength), starting with a letter or digit"
    }

    public init?(_ candidate: String) {
        guard NamespaceName.isValid(candidate.utf8) else { return nil }
        value = candidate
    }

    public var description: String { value }

    static func isValid<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let first = bytes.first, isAlphanumeric(first) else { return false }
        var count = 0
        for byte in bytes {
            count += 1
            guard count <= maximumLength, isNameByte(byte) else { return false }
        }
        return true
    }
}

/// An ASCII letter or digit (netns-jail's WireGuard values use it too).
@inline(__always)
public func isAlphanumeric(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
}

/// The portable filename characters: letters, digits, `_`, `.` and `-`.
@inline(__always)
func isNameByte(_ b: UInt8) -> Bool {
    isAlphanumeric(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
}

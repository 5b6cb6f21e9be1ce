/// A network interface name as the kernel accepts it (at most 15 bytes),
/// further restricted to the portable filename characters so that it can be
/// printed and logged without escaping. `.` and `..` are refused: the kernel
/// refuses them too, and they would be confusing in /sys paths.
public struct InterfaceName: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public static let maximumLength = 15

    public init?(_ candidate: String) {
        let bytes = candidate.utf8
        guard !bytes.isEmpty, bytes.count <= InterfaceName.maximumLength,
              candidate != ".", candidate != "..",
              bytes.allSatisfy(isNameByte)
        else { return nil }
        value = candidate
    }

    public var description: String { value }
}

/// Who a policy line lets in: a user by name, or every member of a group.
public enum Member: Hashable, Sendable, CustomStringConvertible {
    case user(String)
    case group(String)

    /// Parses `alice` or `@wheel`. Account names follow the shadow-utils
    /// rule (letters, digits, `_`, `.`, `-`, an optional final `$`), may not
    /// start with `-`, and are at most 32 bytes.
    public init?(_ token: String) {
        if token.utf8.first == UInt8(ascii: "@") {
            let name = String(token.dropFirst())
            guard Member.isAccountName(name) else { return nil }
            self = .group(name)
        } else {
            guard Member.isAccountName(token) else { return nil }
            self = .user(token)
        }
    }

    public var description: String {
        switch self {
        case .user(let name): return name
        case .group(let name): return "@" + name
        }
    }

    static func isAccountName(_ name: String) -> Bool {
        var bytes = Array(name.utf8)
        if bytes.last == UInt8(ascii: "$") { bytes.removeLast() }
        guard let first = bytes.first, first != UInt8(ascii: "-"),
              bytes.count <= 32 else { return false }
        return bytes.allSatisfy(isNameByte)
    }
}

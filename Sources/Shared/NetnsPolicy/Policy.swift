/// The parsed allow-list. A namespace that is not listed is denied.
public struct Policy: Equatable, Sendable {
    public let entries: [PolicyEntry]

    public init(entries: [PolicyEntry]) { self.entries = entries }

    public func entry(for namespace: NamespaceName) -> PolicyEntry? {
        entries.first { $0.namespace == namespace }
    }

    /// Parses the text of a policy file. Every error is collected, with its
    /// line number, before the parse fails, so an administrator fixes the
    /// whole file in one pass.
    public static func parse(_ text: [UInt8]) throws(PolicyParseFailure) -> Policy {
        var parser = PolicyParser()
        return try parser.parse(text)
    }
}

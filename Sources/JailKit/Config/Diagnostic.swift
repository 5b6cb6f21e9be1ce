/// One problem in a configuration file, at a line. Parsers collect every
/// diagnostic before refusing, so the administrator fixes a file in one pass.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the form compilers and editors understand.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Every problem found in one parse. Never empty.
public struct ConfigFailure: Error, Equatable, Sendable {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty, "a ConfigFailure must carry at least one diagnostic")
        // In file order, whatever order the checks found them in.
        self.diagnostics = diagnostics.enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }
}

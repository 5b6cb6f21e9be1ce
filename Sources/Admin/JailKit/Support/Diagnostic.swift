/// One problem in a file netns-jail reads (a configuration file, a desktop
/// entry), at a line when it has one. Parsers collect every diagnostic
/// before refusing, so the administrator fixes a file in one pass; a
/// JailError carries them (`.configFile`).
public struct Diagnostic: Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// nil: the problem is the file's as a whole.
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the form compilers and editors understand.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Every problem found in one parse. Never empty.
public struct ConfigFailure: Error, Equatable, Sendable {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty, "a ConfigFailure must carry at least one diagnostic")
        // In file order, whatever order the checks found them in.
        self.diagnostics = diagnostics.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }
}

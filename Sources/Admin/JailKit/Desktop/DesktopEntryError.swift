/// One problem in a desktop entry file, at a line when it has one.
public struct DesktopEntryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int?
    public let message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }

    /// The same problem in `file`, as JailError carries it.
    public func located(in file: String) -> Diagnostic {
        Diagnostic(file: file, line: line, message: message)
    }
}

/// Every problem one parse found. Never empty.
public struct DesktopEntryParseFailure: Error, Equatable, Sendable {
    public let errors: [DesktopEntryError]

    /// As netns-jail reports it: every problem, located in `file`.
    public func located(in file: String) -> JailError {
        .configFile(ConfigFailure(errors.map { $0.located(in: file) }))
    }
}

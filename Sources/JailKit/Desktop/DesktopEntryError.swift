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

    /// `file:line: message`, the form editors jump to.
    public func located(in file: String) -> String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Every problem one parse found. Never empty.
public struct DesktopEntryParseFailure: Error, Equatable, Sendable {
    public let errors: [DesktopEntryError]
}

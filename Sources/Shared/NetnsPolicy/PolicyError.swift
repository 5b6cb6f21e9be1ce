/// One problem in a policy file, at a line.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }

    /// `file:line: message`, the form compilers and editors understand.
    public func located(in file: String) -> String { "\(file):\(line): \(message)" }
}

/// Every problem found in one parse. Never empty.
public struct PolicyParseFailure: Error, Equatable, Sendable {
    public let errors: [PolicyError]
}

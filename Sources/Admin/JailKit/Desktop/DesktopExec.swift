/// The two quoting layers of an `Exec=` value (Desktop Entry Specification,
/// "The Exec key").
///
/// In the file, a value is first a *string*: `\s`, `\n`, `\t`, `\r` and `\\`
/// are escapes. What that unescapes to is a command line: arguments split at
/// blanks, an argument with a reserved character is written in double
/// quotes, and inside the quotes `"`, `` ` ``, `$` and `\` take a backslash.
/// A literal `%` is `%%`, because `%` starts a field code such as `%U`.
///
/// The rewrite never re-quotes the original command: it puts the launcher
/// and the namespace in front of the value exactly as it was, so every
/// argument and field code reaches the program as before. This type only
/// checks that the original is well formed and quotes what the rewrite adds.
public enum DesktopExec {
    /// Characters that force an argument into double quotes.
    static let reserved: Set<Character> = [" ", "\t", "\n", "\"", "'", "\\", ">", "<", "~", "|", "&", ";", "$", "*", "?", "#", "(", ")", "`"]
    /// Characters that take a backslash inside double quotes.
    static let escapedInQuotes: Set<Character> = ["\"", "`", "$", "\\"]

    /// Undoes the string layer. An unknown escape is kept as written.
    public static func unescapeString(_ value: String) -> String {
        var out = ""
        var iterator = value.makeIterator()
        while let c = iterator.next() {
            guard c == "\\" else { out.append(c); continue }
            switch iterator.next() {
            case "s": out.append(" ")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case let other?: out.append("\\"); out.append(other)
            case nil: out.append("\\")
            }
        }
        return out
    }

    /// Splits an `Exec=` value (file form) into its arguments, with field
    /// codes left as written. Throws a message when a quote is not closed or
    /// the command is empty.
    public static func arguments(ofValue value: String) throws(DesktopExecError) -> [String] {
        let commandLine = unescapeString(value)
        var arguments: [String] = []
        var current = ""
        var inWord = false
        var inQuotes = false
        var iterator = commandLine.makeIterator()
        while let c = iterator.next() {
            if inQuotes {
                if c == "\"" {
                    inQuotes = false
                } else if c == "\\" {
                    guard let next = iterator.next() else { throw .unclosedQuote }
                    if !escapedInQuotes.contains(next) { current.append("\\") }
                    current.append(next)
                } else {
                    current.append(c)
                }
            } else if c == " " || c == "\t" || c == "\n" {
                if inWord { arguments.append(current); current = ""; inWord = false }
            } else if c == "\"" {
                inQuotes = true
                inWord = true
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inQuotes { throw .unclosedQuote }
        if inWord { arguments.append(current) }
        if arguments.isEmpty { throw .empty }
        return arguments
    }

    /// One literal argument in file form: quoted if it needs to be, `%`
    /// doubled, and the string layer applied last.
    public static func fileForm(ofArgument argument: String) -> String {
        var command = ""
        if argument.isEmpty || argument.contains(where: { reserved.contains($0) }) {
            command.append("\"")
            for c in argument {
                if escapedInQuotes.contains(c) { command.append("\\") }
                command.append(c)
            }
            command.append("\"")
        } else {
            command = argument
        }
        command = command.replacingAll("%", with: "%%")
        return escapeString(command)
    }

    /// Applies the string layer: `\` becomes `\\`, and newline, tab and
    /// carriage return become `\n`, `\t` and `\r`.
    public static func escapeString(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Why an `Exec=` value cannot be read.
public enum DesktopExecError: Error, Equatable, Sendable, CustomStringConvertible {
    case unclosedQuote
    case empty

    public var description: String {
        switch self {
        case .unclosedQuote: return "a double quote is not closed"
        case .empty: return "the command is empty"
        }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}

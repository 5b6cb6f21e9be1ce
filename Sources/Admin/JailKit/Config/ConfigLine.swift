import NetnsPolicy

/// The line grammar shared by wg-quick files and /etc/netns-jail.conf:
///
///     line    = [ section | key "=" value ] [ "#" comment ]
///     section = "[" NAME "]"
///
/// Like wg-quick, `#` starts a comment anywhere on the line and blanks around
/// keys and values are dropped. Lexing is byte-wise so that hostile input
/// (NUL bytes, invalid UTF-8, huge lines) is refused with a message rather
/// than reinterpreted.
enum ConfigLine: Equatable {
    case blank
    case section(String)
    case assignment(key: String, value: String)
    case malformed(String)

    /// Longest line we look at; longer lines are errors, not truncations.
    static let maximumLength = 4096

    static func lex(_ raw: ArraySlice<UInt8>) -> ConfigLine {
        guard raw.count <= maximumLength else {
            return .malformed("line is longer than \(maximumLength) bytes")
        }
        var content = raw
        if let hash = content.firstIndex(of: UInt8(ascii: "#")) {
            content = content[content.startIndex..<hash]
        }
        if content.contains(0) {
            return .malformed("line contains a NUL byte")
        }
        if let bad = content.first(where: { !isPrintableASCII($0) && !isBlank($0) }) {
            return .malformed("unexpected byte \(Quoted.byte(bad)); only printable ASCII is allowed outside comments")
        }
        let trimmed = trim(content)
        guard let first = trimmed.first else { return .blank }

        if first == UInt8(ascii: "[") {
            guard trimmed.last == UInt8(ascii: "]"), trimmed.count >= 3 else {
                return .malformed("a section header looks like [Name]")
            }
            let name = trim(trimmed.dropFirst().dropLast())
            guard !name.isEmpty, !name.contains(where: isBlank) else {
                return .malformed("a section header looks like [Name]")
            }
            return .section(string(name))
        }
        guard let eq = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
            return .malformed("expected 'Key = value' or a [Section] header")
        }
        let key = trim(trimmed[trimmed.startIndex..<eq])
        let value = trim(trimmed[trimmed.index(after: eq)...])
        guard !key.isEmpty, !key.contains(where: isBlank) else {
            return .malformed("expected 'Key = value' with a one-word key")
        }
        return .assignment(key: string(key), value: string(value))
    }

    /// Splits a file into numbered lines. The number is 1-based.
    static func lines(_ bytes: [UInt8]) -> [(number: Int, content: ArraySlice<UInt8>)] {
        var result: [(Int, ArraySlice<UInt8>)] = []
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            result.append((number, line))
        }
        return result
    }
}

/// Splits a wg-quick list value the way wg-quick does (`${value//,/ }`):
/// commas and blanks both separate, empty entries vanish.
func listItems(_ value: String) -> [String] {
    value.utf8.split(whereSeparator: { $0 == UInt8(ascii: ",") || isBlank($0) }).map { string($0) }
}

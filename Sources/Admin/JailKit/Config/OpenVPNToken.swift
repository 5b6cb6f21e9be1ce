import NetnsPolicy

/// OpenVPN's line grammar, read the way OpenVPN reads it, so a line means
/// to us what it would mean to OpenVPN: blanks separate words, `"..."` and
/// `'...'` quote (a backslash escapes the next byte, except between single
/// quotes), and `#` or `;` at the start of a word begins a comment.
/// A word that is not printable ASCII makes the line malformed: nothing
/// netns-jail passes on can carry a byte OpenVPN would read differently.
enum OpenVPNToken {
    enum Line: Equatable {
        case blank
        case words([String])
        case malformed(String)
    }

    static func lex(_ raw: ArraySlice<UInt8>) -> Line {
        guard raw.count <= ConfigLine.maximumLength else {
            return .malformed("line is longer than \(ConfigLine.maximumLength) bytes")
        }
        if raw.contains(0) { return .malformed("line contains a NUL byte") }
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false
        var quote: UInt8? = nil
        var escaped = false
        for b in raw {
            if escaped {
                word.append(b); escaped = false; continue
            }
            if let q = quote {
                if b == q { quote = nil }
                else if b == UInt8(ascii: "\\") && q == UInt8(ascii: "\"") { escaped = true }
                else { word.append(b) }
                continue
            }
            if isBlank(b) {
                if inWord { words.append(string(word)); word = []; inWord = false }
                continue
            }
            if !inWord && (b == UInt8(ascii: "#") || b == UInt8(ascii: ";")) { break }
            inWord = true
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
            case UInt8(ascii: "\\"): escaped = true
            default:
                guard isPrintableASCII(b) else {
                    return .malformed("unexpected byte \(Quoted.byte(b)); only printable ASCII is allowed outside comments")
                }
                word.append(b)
            }
        }
        if quote != nil { return .malformed("a quote is not closed on this line") }
        if escaped { return .malformed("the line ends in a backslash") }
        if inWord { words.append(string(word)) }
        for w in words where !w.utf8.allSatisfy({ isPrintableASCII($0) || $0 == 0x20 }) {
            return .malformed("a quoted word holds a control or non-ASCII byte")
        }
        return words.isEmpty ? .blank : .words(words)
    }

    /// A word written unquoted into OpenVPN's file reads back as itself:
    /// printable, no blank, no quote or backslash, not a comment start.
    static func isPlain(_ word: String) -> Bool {
        let b = word.utf8
        guard let first = b.first, first != UInt8(ascii: "#"), first != UInt8(ascii: ";") else { return false }
        return b.allSatisfy { isPrintableASCII($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\") }
    }

    /// A word that is written in double quotes: printable ASCII and, with
    /// `spaces`, blanks; never a quote or backslash, so quoting needs no
    /// escapes.
    static func isPrintable(_ word: String, spaces: Bool) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy {
            ($0 == 0x20 && spaces) || (isPrintableASCII($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\"))
        }
    }

    /// How a checked word is written back.
    static func written(_ word: String) -> String {
        isPlain(word) ? word : "\"\(word)\""
    }
}

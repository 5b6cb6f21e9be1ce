/// Renders untrusted text for a one-line message: printable ASCII is kept,
/// everything else becomes `\xNN`, and long text is cut. A hostile config
/// line or argument can therefore never put a newline or a terminal escape
/// sequence into our output or into syslog.
public enum Quoted {
    public static let maximumShown = 64
    /// For a path the launcher made itself from the home directory: cut
    /// only where it could flood a line.
    public static let longPath = 512

    public static func text(_ s: String, limit: Int = maximumShown) -> String { bytes(Array(s.utf8), limit: limit) }

    public static func bytes<Bytes: Collection>(_ input: Bytes, limit: Int = maximumShown) -> String where Bytes.Element == UInt8 {
        var out = "'"
        var shown = 0
        for b in input {
            if shown == limit { out += "..."; break }
            out += (b >= 0x20 && b < 0x7F && b != UInt8(ascii: "'") && b != UInt8(ascii: "\\"))
                ? String(UnicodeScalar(b)) : escape(b)
            shown += 1
        }
        return out + "'"
    }

    public static func byte(_ b: UInt8) -> String { escape(b) }

    /// The last line of defence where text reaches a terminal or syslog
    /// (netns-jail's console and syslog writers): the text is kept as it
    /// is, except what a terminal acts on, shown as `\xNN` like above:
    /// C0 controls (ESC, CR, BEL, ...; newline and tab too unless
    /// `keepLines`), DEL, and the C1 controls U+0080 to U+009F (UTF-8
    /// C2 80 to C2 9F; U+009B is a CSI to terminals that take C1). Text
    /// from a jail is quoted where it is read (`text`, `bytes`); this
    /// catches whatever a caller forgot.
    public static func terminalSafe(_ s: String, keepLines: Bool) -> String {
        let input = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let b = input[i]
            let kept = keepLines && (b == 0x0A || b == 0x09)
            if (b < 0x20 && !kept) || b == 0x7F {
                out += Array(escape(b).utf8)
            } else if b == 0xC2, i + 1 < input.count, input[i + 1] >= 0x80, input[i + 1] <= 0x9F {
                out += Array((escape(b) + escape(input[i + 1])).utf8)
                i += 1
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func escape(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
    }
}

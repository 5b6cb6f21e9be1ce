/// Renders untrusted text for a one-line message: printable ASCII is kept,
/// everything else becomes `\xNN`, and long text is cut. A hostile config
/// line or argument can therefore never put a newline or a terminal escape
/// sequence into our output or into syslog.
public enum Quoted {
    public static let maximumShown = 64

    public static func text(_ s: String) -> String { bytes(Array(s.utf8)) }

    public static func bytes<Bytes: Collection>(_ input: Bytes) -> String where Bytes.Element == UInt8 {
        var out = "'"
        var shown = 0
        for b in input {
            if shown == maximumShown { out += "..."; break }
            out += (b >= 0x20 && b < 0x7F && b != UInt8(ascii: "'") && b != UInt8(ascii: "\\"))
                ? String(UnicodeScalar(b)) : escape(b)
            shown += 1
        }
        return out + "'"
    }

    public static func byte(_ b: UInt8) -> String { escape(b) }

    private static func escape(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
    }
}

/// A key in a desktop entry: a name of `A-Za-z0-9-` and an optional locale,
/// as in `Name[sr@latin]`. Two keys are the same only if name and locale
/// both match; `Name` and `Name[de]` are different entries.
public struct DesktopKey: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let locale: String?

    public init(name: String, locale: String? = nil) {
        self.name = name
        self.locale = locale
    }

    /// Parses `Name` or `Name[locale]`; nil when either part is malformed.
    public init?(_ text: String) {
        var name = Substring(text)
        var locale: String?
        if let open = text.firstIndex(of: "[") {
            guard text.hasSuffix("]") else { return nil }
            name = text[..<open]
            let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
            // lang_COUNTRY.ENCODING@MODIFIER: letters, digits and those separators.
            guard !inner.isEmpty, inner.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.@-".contains($0)) }) else {
                return nil
            }
            locale = String(inner)
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            return nil
        }
        self.name = String(name)
        self.locale = locale
    }

    public var description: String {
        if let locale { return "\(name)[\(locale)]" }
        return name
    }
}

/// A desktop entry file (freedesktop.org Desktop Entry Specification 1.5),
/// kept line by line so that a rewrite changes only the lines it means to:
/// comments, blank lines, unknown keys and their order all survive.
///
/// The parser is strict where a sloppy reading could hide a launch path from
/// the jail: a key given twice in one group, a group given twice, or a key
/// before the first group is an error, because desktops disagree on which
/// copy wins, and a rewrite that prefixes one `Exec=` while the desktop runs
/// the other would start the program outside the jail.
public struct DesktopEntry: Equatable, Sendable {
    public enum Line: Equatable, Sendable {
        /// A comment or blank line, kept verbatim.
        case other(String)
        /// `[Name]`.
        case group(String)
        /// `Key[locale]=value`; `value` is still in its escaped file form.
        /// `line` is the line number in the parsed text (0 for an added entry).
        case entry(DesktopKey, value: String, line: Int)
    }

    public private(set) var lines: [Line]
    /// Whether the text ended with a newline; kept so a round trip is exact.
    let endsWithNewline: Bool

    /// The group every desktop entry file starts with.
    public static let mainGroup = "Desktop Entry"
    /// The prefix of application action groups.
    public static let actionGroupPrefix = "Desktop Action "

    public init(parsing text: String) throws(DesktopEntryParseFailure) {
        var errors: [DesktopEntryError] = []
        var lines: [Line] = []
        var groupsSeen: Set<String> = []
        var keysInGroup: Set<DesktopKey> = []
        var currentGroup: String?

        var rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let endsWithNewline = text.hasSuffix("\n")
        if endsWithNewline { rawLines.removeLast() }

        for (index, raw) in rawLines.enumerated() {
            let number = index + 1
            if raw.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) {
                errors.append(DesktopEntryError(line: number, message: "control character in line; desktop files are plain UTF-8 text"))
                continue
            }
            let trimmed = raw.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                lines.append(.other(raw))
                continue
            }
            if raw.hasPrefix("[") {
                guard raw.hasSuffix("]"), raw.count >= 3 else {
                    errors.append(DesktopEntryError(line: number, message: "malformed group header \(raw); write [Group Name]"))
                    continue
                }
                let name = String(raw.dropFirst().dropLast())
                if name.contains("[") || name.contains("]") {
                    errors.append(DesktopEntryError(line: number, message: "group name \(name) may not contain [ or ]"))
                    continue
                }
                if currentGroup == nil && name != Self.mainGroup {
                    errors.append(DesktopEntryError(line: number, message: "the first group is [\(name)]; a desktop file must start with [\(Self.mainGroup)]"))
                }
                if !groupsSeen.insert(name).inserted {
                    errors.append(DesktopEntryError(line: number, message: "group [\(name)] appears twice; merge the two"))
                }
                currentGroup = name
                keysInGroup = []
                lines.append(.group(name))
                continue
            }
            guard let equals = raw.firstIndex(of: "=") else {
                errors.append(DesktopEntryError(line: number, message: "line is not a comment, a [group] or a Key=value entry"))
                continue
            }
            let keyText = raw[..<equals].trimmingBlanks()
            guard let key = DesktopKey(keyText) else {
                errors.append(DesktopEntryError(line: number, message: "invalid key \(keyText); keys are A-Z, a-z, 0-9 and '-', with an optional [locale]"))
                continue
            }
            guard let group = currentGroup else {
                errors.append(DesktopEntryError(line: number, message: "entry \(key) comes before the first group [\(Self.mainGroup)]"))
                continue
            }
            if !keysInGroup.insert(key).inserted {
                errors.append(DesktopEntryError(line: number, message: "key \(key) appears twice in [\(group)]; keep one"))
                continue
            }
            let value = String(raw[raw.index(after: equals)...].drop(while: { $0 == " " || $0 == "\t" }))
            lines.append(.entry(key, value: value, line: number))
        }
        if lines.first(where: { if case .group = $0 { return true } else { return false } }) == nil && errors.isEmpty {
            errors.append(DesktopEntryError(line: max(rawLines.count, 1), message: "no [\(Self.mainGroup)] group; this is not a desktop entry file"))
        }
        if !errors.isEmpty { throw DesktopEntryParseFailure(errors: errors) }
        self.lines = lines
        self.endsWithNewline = endsWithNewline
    }

    init(lines: [Line], endsWithNewline: Bool) {
        self.lines = lines
        self.endsWithNewline = endsWithNewline
    }

    /// The file text. Untouched lines come back exactly as they were read;
    /// entries come back as `Key=value`, the form the specification writes.
    public var text: String {
        var out = lines.map { line -> String in
            switch line {
            case .other(let raw): return raw
            case .group(let name): return "[\(name)]"
            case .entry(let key, let value, _): return "\(key)=\(value)"
            }
        }.joined(separator: "\n")
        if endsWithNewline { out += "\n" }
        return out
    }

    /// The names of the groups, in file order.
    public var groups: [String] {
        lines.compactMap { if case .group(let name) = $0 { return name } else { return nil } }
    }

    /// The raw value of `key` in `group`, or nil.
    public func value(_ key: DesktopKey, in group: String) -> String? {
        var current: String?
        for line in lines {
            switch line {
            case .group(let name): current = name
            case .entry(let k, let value, _) where current == group && k == key: return value
            default: break
            }
        }
        return nil
    }

    /// Rewrites every entry: `transform` gets the group, the key, the value
    /// and the line number, and returns the new value, or nil to delete it.
    mutating func rewriteEntries(_ transform: (String, DesktopKey, String, Int) throws(DesktopEntryError) -> String?) throws(DesktopEntryError) {
        var current = ""
        var result: [Line] = []
        for line in lines {
            switch line {
            case .group(let name):
                current = name
                result.append(line)
            case .entry(let key, let value, let number):
                if let newValue = try transform(current, key, value, number) {
                    result.append(.entry(key, value: newValue, line: number))
                }
            case .other:
                result.append(line)
            }
        }
        lines = result
    }

    /// Inserts `key=value` as the last entry of `group`.
    mutating func append(_ key: DesktopKey, value: String, to group: String) {
        var current: String?
        var insertAt: Int?
        for (index, line) in lines.enumerated() {
            switch line {
            case .group(let name): current = name
            case .entry where current == group: insertAt = index + 1
            default: break
            }
        }
        guard let at = insertAt else { return }
        lines.insert(.entry(key, value: value, line: 0), at: at)
    }
}

extension Substring {
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(self.drop(while: blank).reversed().drop(while: blank).reversed())
    }
}

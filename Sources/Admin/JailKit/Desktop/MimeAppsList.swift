/// A `mimeapps.list` (freedesktop.org MIME Applications Associations), kept
/// line by line: `netns-jail desktop` makes a jailed launcher the default
/// for the MIME types and URL schemes of the original, and nothing else in
/// the user's file may change.
///
/// Why the default must move: `xdg-open magnet:...` (and every desktop that
/// follows the specification) starts the default handler for
/// `x-scheme-handler/magnet`. Until the jailed entry is that default, a
/// click on a magnet link starts the unjailed program, and the torrent is
/// announced from the real address while the user believes it is jailed.
///
/// Only `[Default Applications]` is changed (and `[Added Associations]`, so
/// that "Open with" lists show the jailed entry first). The original is not
/// put under `[Removed Associations]`: it stays choosable, by the user's own
/// hand. The reader is lenient, as the desktops that read the file are: a
/// line it does not understand is kept as it is.
public struct MimeAppsList: Equatable, Sendable {
    public static let defaultsGroup = "Default Applications"
    public static let addedGroup = "Added Associations"

    public private(set) var lines: [String]

    public init(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    public var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// The desktop file IDs listed for `type` in `group`, in order.
    public func handlers(for type: String, in group: String) -> [String] {
        guard let index = entryIndex(type, in: group) else { return [] }
        return Self.list(lines[index])
    }

    /// Makes `fileID` the default handler for each of `types`, and lists it
    /// first among the added associations. Types that already have it first
    /// are left alone, so running the command twice changes nothing.
    public mutating func makeDefault(_ fileID: String, for types: [String]) {
        for type in types {
            set(type, to: [fileID], in: Self.defaultsGroup)
            let added = handlers(for: type, in: Self.addedGroup)
            set(type, to: [fileID] + added.filter { $0 != fileID }, in: Self.addedGroup)
        }
    }

    /// The MIME types of a desktop entry's `MimeType=` value (`a/b;c/d;`).
    /// Only well-formed `type/subtype` names are taken: one with a newline,
    /// `=` or `[` would corrupt the list it is written to.
    public static func types(inMimeTypeValue value: String) -> [String] {
        var seen: Set<String> = []
        return value.split(separator: ";").map { String($0) }.filter { type in
            let parts = type.split(separator: "/", omittingEmptySubsequences: false)
            let allowed = type.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || "+-._/".utf8.contains(byte)
            }
            return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && allowed && seen.insert(type).inserted
        }
    }

    mutating func set(_ type: String, to handlers: [String], in group: String) {
        let line = "\(type)=\(handlers.joined(separator: ";"));"
        if let index = entryIndex(type, in: group) {
            lines[index] = line
        } else if let end = groupEnd(group) {
            lines.insert(line, at: end)
        } else {
            if let last = lines.last, !last.isEmpty { lines.append("") }
            lines.append("[\(group)]")
            lines.append(line)
        }
    }

    /// The line of `type=` in `group`, if there is one.
    func entryIndex(_ type: String, in group: String) -> Int? {
        var current: String?
        for (index, line) in lines.enumerated() {
            if let name = Self.groupName(line) { current = name; continue }
            if current == group, Self.key(line) == type { return index }
        }
        return nil
    }

    /// Where a new entry of `group` goes: after its last entry (or its
    /// header), before blank lines and comments that precede the next group.
    func groupEnd(_ group: String) -> Int? {
        var current: String?
        var end: Int?
        for (index, line) in lines.enumerated() {
            if let name = Self.groupName(line) {
                current = name
                if name == group { end = index + 1 }
                continue
            }
            if current == group, Self.key(line) != nil { end = index + 1 }
        }
        return end
    }

    static func groupName(_ line: String) -> String? {
        let trimmed = line.trimmingBlanksOnBothEnds()
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]"), trimmed.count >= 3 else { return nil }
        return String(trimmed.dropFirst().dropLast())
    }

    static func key(_ line: String) -> String? {
        let trimmed = line.trimmingBlanksOnBothEnds()
        guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return nil }
        return String(trimmed[..<equals]).trimmingBlanksOnBothEnds()
    }

    static func list(_ line: String) -> [String] {
        guard let equals = line.firstIndex(of: "=") else { return [] }
        return line[line.index(after: equals)...].split(separator: ";").map { String($0).trimmingBlanksOnBothEnds() }
            .filter { !$0.isEmpty }
    }
}

extension String {
    func trimmingBlanksOnBothEnds() -> String { self[...].trimmingBlanks() }
}

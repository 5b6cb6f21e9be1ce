extension StringProtocol {
    /// The text without the ASCII blanks and line ends around it: what
    /// FoundationEssentials, which has no CharacterSet, leaves out of
    /// `trimmingCharacters(in:)`. Tool output and our own files are ASCII
    /// where this is used (PIDs, `wg showconf` keys, error lines).
    var trimmed: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}

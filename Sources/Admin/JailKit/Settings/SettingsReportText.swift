/// What `netns-jail settings` prints: what was copied where, what was left
/// and why, one line each, home-relative (`~/...`).
public enum SettingsReportText {
    /// Left-behind entries are grouped by directory and reason, so that a
    /// cache of a thousand files is one line; `verbose` lists each.
    public static func lines(_ report: SettingsCopy.Report, target: SettingsTarget, verbose: Bool) -> [String] {
        var lines: [String] = []
        for copied in report.copied {
            let files = copied.files == 1 ? "1 file" : "\(copied.files) files"
            lines.append("copied ~/\(copied.from) to ~/\(copied.to) (\(files))")
        }
        for filtered in report.filtered {
            lines.append("copied ~/\(filtered.path) without its \(filtered.removed) account and sync entries")
        }
        if verbose {
            for left in report.left { lines.append("left   ~/\(left.path): \(left.reason.rawValue)") }
        } else {
            var seen: [String: Int] = [:]
            var order: [String] = []
            var first: [String: String] = [:]
            for left in report.left {
                let key = parent(of: left.path) + "\u{0}" + left.reason.rawValue
                if seen[key] == nil { order.append(key); first[key] = left.path }
                seen[key, default: 0] += 1
            }
            for key in order {
                let reason = String(key.split(separator: "\u{0}", omittingEmptySubsequences: false)[1])
                let more = seen[key]! > 1 ? " (and \(seen[key]! - 1) more there)" : ""
                lines.append("left   ~/\(first[key]!): \(reason)\(more)")
            }
        }
        for (path, why) in report.notCopied { lines.append("left   ~/\(path): \(why)") }
        for shared in report.shared { lines.append("shared ~/\(shared): the jail sees your own") }
        for backup in report.backups { lines.append("kept   the jail's previous settings as ~/\(backup)") }
        return lines
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}

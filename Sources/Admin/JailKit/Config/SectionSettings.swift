/// A group of keys in a jail's section of /etc/netns-jail.conf that one
/// settings type reads (PoolSettings, HealthSettings,
/// PortForwardSettings). JailConfig gives every group the same rules: a
/// key appears once per section, and a value the group refuses is one
/// `file:line: message`. The values' own rules (seconds in a range, yes
/// or no) are SettingValue's, so a key of any group reads them alike.
protocol SectionSettings {
    static var keys: [String] { get }
    /// Takes one `key = value` line of the group; the key is lower-case.
    mutating func apply(_ key: String, _ value: String) throws(SettingProblem)
}

/// Why a value was refused, said to the administrator.
struct SettingProblem: Error, Equatable {
    let message: String

    init(_ message: String) { self.message = message }
}

/// The value rules every key shares.
enum SettingValue {
    /// Whole seconds within `range`; `note` names the upper end in words
    /// (" (a week)").
    static func seconds(_ value: String, for key: String, in range: ClosedRange<Int>, note: String = "") throws(SettingProblem) -> Int {
        guard let seconds = Int(value), range.contains(seconds) else {
            throw SettingProblem("\(key) must be a number of seconds from \(range.lowerBound) to \(range.upperBound)\(note)")
        }
        return seconds
    }

    static func yesOrNo(_ value: String, for key: String) throws(SettingProblem) -> Bool {
        guard value == "yes" || value == "no" else { throw SettingProblem("\(key) takes yes or no") }
        return value == "yes"
    }
}

/// One line of `netns-jail doctor`: what the system offers for one thing the
/// jails need, and, when it is not `ok`, what to do about it.
///
/// The line is `VERDICT  SUBJECT: DETAIL`, the verdict padded to one width,
/// so `grep '^fail'` finds everything that stops the jails from working.
public struct SystemCheck: Equatable, Sendable, CustomStringConvertible {
    public enum Verdict: String, Sendable, CaseIterable {
        /// Only information (the kernel release); nothing to judge.
        case info
        case ok
        /// The jails work, but something is weaker or slower than it could
        /// be; the line says how to improve it.
        case warn
        /// Jails, or the launcher, will not work until this is fixed; the
        /// line says how. Any `fail` makes doctor exit 1.
        case fail
    }

    public let verdict: Verdict
    public let subject: String
    public let detail: String

    public init(_ verdict: Verdict, _ subject: String, _ detail: String) {
        self.verdict = verdict
        self.subject = subject
        self.detail = detail
    }

    public var description: String {
        let word = verdict.rawValue
        return word + String(repeating: " ", count: 6 - word.count) + subject + ": " + detail
    }
}

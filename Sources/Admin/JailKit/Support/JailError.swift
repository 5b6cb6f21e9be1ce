/// The exit statuses of netns-jail, documented in netns-jail(8) and in
/// --help (0 is success).
public enum ExitStatus {
    /// A step failed, the jail is breached (verify), not healthy (status)
    /// or locked by another netns-jail for longer than --wait.
    public static let failure: Int32 = 1
    /// Bad command line or configuration file; nothing was changed.
    public static let usage: Int32 = 2
}

/// Why a netns-jail command failed: the one error JailKit's operations and
/// every netns-jail command throw, and the one netns-jail's `main` turns
/// into output and an exit status. Located problems (a config file's
/// Diagnostics, a desktop file's DesktopEntryErrors) are collected by their
/// parsers and arrive here as `.configFile`; ArgumentParser's errors become
/// `.usage` in `main`.
///
/// Every line it prints starts `netns-jail: ` and says what to do. The kind
/// decides the exit status: a configuration or command line the
/// administrator must fix is 2, a system step that failed or a breached
/// jail is 1.
public enum JailError: Error, Sendable, CustomStringConvertible {
    /// A configuration file is missing, unsafe or malformed.
    case config(String)
    /// Several `file:line: message` problems in one file.
    case configFile(ConfigFailure)
    /// A system step failed; the message names the step and what to do.
    case failure(String)
    /// The command line, as ArgumentParser refused it (one line), with the
    /// status it gave (`ExitStatus.usage` for a validation failure).
    case usage(String, exitStatus: Int32)
    /// Already said (a report that found problems, or each failure of an
    /// `--all` run): only the exit status is left to give.
    case reported(exitStatus: Int32)

    public var exitStatus: Int32 {
        switch self {
        case .config, .configFile: return ExitStatus.usage
        case .failure: return ExitStatus.failure
        case .usage(_, let status), .reported(let status): return status
        }
    }

    /// What it says, on one line and without the `netns-jail: ` prefix:
    /// for syslog, which has its own tag and wants one line per event, and
    /// for a line that quotes it (a doctor verdict, a warning). Several
    /// problems in a file give the first and how many more.
    public var message: String {
        switch self {
        case .config(let m), .failure(let m), .usage(let m, _): return m
        case .configFile(let f):
            let more = f.diagnostics.count > 1 ? " (and \(f.diagnostics.count - 1) more)" : ""
            return "\(f.diagnostics[0])\(more)"
        case .reported: return ""
        }
    }

    /// One or more lines, each starting `netns-jail: `; empty for `.reported`.
    public var description: String {
        switch self {
        case .config(let m), .failure(let m): return "netns-jail: \(m)"
        case .configFile(let f): return f.diagnostics.map { "netns-jail: \($0)" }.joined(separator: "\n")
        case .usage(let m, _): return "netns-jail: \(m) (see netns-jail --help)"
        case .reported: return ""
        }
    }
}

import Glibc
import NetnsPolicy

/// What netns-jail does without anyone watching goes to syslog (daemon
/// facility, tag netns-jail, with its PID), one line per event: the
/// supervisor's repairs and switches, and a switch `up --server` makes at
/// the console, so the log tells every switch, whoever made it.
public enum SystemLog {
    /// Opens the log once per process, on first use. Without it, a line
    /// from `up` went out under glibc's defaults (user facility, no PID),
    /// unlike the supervisor's.
    private static let opened: Void = openlog("netns-jail", LOG_PID | LOG_NDELAY, LOG_DAEMON)

    public static func open() { opened }

    public static func info(_ message: String) { write(LOG_INFO, message) }
    public static func warning(_ message: String) { write(LOG_WARNING, message) }

    private static func write(_ priority: Int32, _ message: String) {
        open()
        // syslog(3) is variadic, which Swift cannot call; vsyslog is not.
        // One line per event, and no terminal control for whoever reads
        // the log on a terminal (journald and syslogd pass most through).
        Quoted.terminalSafe(message, keepLines: false).withCString { text in
            withVaList([text]) { vsyslog(priority, "%s", $0) }
        }
    }
}

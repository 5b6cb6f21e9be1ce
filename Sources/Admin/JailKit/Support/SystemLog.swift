import Glibc
import NetnsPolicy

/// The supervisor has no terminal: what it does goes to syslog (daemon
/// facility, tag netns-jail, with its PID), one line per event.
public enum SystemLog {
    public static func open() { openlog("netns-jail", LOG_PID | LOG_NDELAY, LOG_DAEMON) }

    public static func info(_ message: String) { write(LOG_INFO, message) }
    public static func warning(_ message: String) { write(LOG_WARNING, message) }

    private static func write(_ priority: Int32, _ message: String) {
        // syslog(3) is variadic, which Swift cannot call; vsyslog is not.
        // One line per event, and no terminal control for whoever reads
        // the log on a terminal (journald and syslogd pass most through).
        Quoted.terminalSafe(message, keepLines: false).withCString { text in
            withVaList([text]) { vsyslog(priority, "%s", $0) }
        }
    }
}

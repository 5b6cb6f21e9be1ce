import Glibc
import NetnsPolicy

/// Where netns-jail talks. Messages for the administrator go to stderr with
/// the `netns-jail: ` prefix; reports (status, list) go to stdout.
///
/// Plain write(2), not FileHandle: netns-jail ignores SIGPIPE (see
/// `ignoreBrokenPipes`), and a reader that went away (`up x 2>&1 | head -1`)
/// must cost only the lost text, never the rollback that is still running.
public enum Console {
    public static func note(_ message: String) { emit(2, "netns-jail: \(message)\n") }

    public static func warn(_ message: String) { emit(2, "netns-jail: warning: \(message)\n") }

    /// A failure, already prefixed, possibly several `file:line` lines.
    public static func error(_ error: JailError) {
        let text = error.description
        if !text.isEmpty { emit(2, text + "\n") }
    }

    public static func out(_ text: String) { emit(1, text.hasSuffix("\n") ? text : text + "\n") }

    /// SIGPIPE at its default would kill us in the middle of a rollback
    /// when stderr is a closed pipe. Ignored, a write gets EPIPE instead.
    /// Tools we start get the default back (ChildProcess).
    public static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }

    /// Sets the process's name (/proc/self/comm, what ps and syslog show);
    /// best effort, a name changes nothing it does.
    public static func nameProcess(_ name: String) {
        let fd = open("/proc/self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = Descriptor.writeAll(fd, Array(name.utf8))
        close(fd)
    }

    /// Every byte netns-jail prints passes here. Text from a jail is quoted
    /// where it is read (ProcessesInside.commandLine, JailVerification);
    /// Quoted.terminalSafe then keeps any terminal control a caller missed
    /// (an interface name, a tool's complaint) from reaching root's
    /// terminal: `rc.netns-jail stop` prints on the console.
    static func emit(_ fd: Int32, _ text: String) {
        _ = Descriptor.writeAll(fd, Array(Quoted.terminalSafe(text, keepLines: true).utf8))
    }
}

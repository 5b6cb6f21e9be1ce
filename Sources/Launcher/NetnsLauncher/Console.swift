import CLinux
import NetnsPolicy

/// One-line output with write(2). Swift 6 rejects the C stdio globals, and
/// the launcher does not need buffering: each message is a single write.
public enum Console {
    public static func error(_ message: String) {
        write(to: 2, "netns-exec: " + message + "\n")
    }

    public static func out(_ text: String) {
        write(to: 1, text)
    }

    /// A message that cannot be written (a closed stderr, say) cannot be
    /// reported anywhere, so it is dropped.
    static func write(to fd: Int32, _ text: String) {
        var text = text
        _ = text.withUTF8 { Descriptor.writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Prints the refusal, logs it, shows it on the desktop for a menu
    /// launch (DesktopNotice), and exits 125: the fail-safe end of every
    /// error path before exec.
    public static func refuse(_ refusal: Refusal, log: AuditLog? = nil) -> Never {
        FirstLaunch.callOff()
        error(refusal.message)
        log?.refused(refusal.message)
        DesktopNotice.show(refusal.message)
        exit(ExitStatus.refused)
    }
}

import CLinux

/// A refusal a desktop user sees.
///
/// From a menu entry, stderr goes nowhere a person looks: the desktop
/// discards the one line that says why nothing started. So when stderr is
/// not a terminal, the same line is also shown as a desktop notification.
///
/// The notification is sent by `notify-send`, run in a child that first
/// returns to the caller's own network namespace (a session bus on an
/// abstract socket is only reachable there) and then drops every privilege
/// exactly as the launch does, so that what runs is the caller's own
/// program with the caller's own rights. The launcher does not wait for
/// it: the refusal's exit is not delayed. Nothing of this runs when stderr
/// is a terminal.
public enum DesktopNotice {
    /// Called before the launch leaves the caller's network namespace,
    /// and only for a menu launch, so a terminal launch pays nothing.
    public static func prepare() {
        guard isatty(2) == 0 else { return }
        _ = cl_keep_caller_netns()
    }

    static func show(_ message: String) {
        guard isatty(2) == 0 else { return }
        let pid = fork()
        guard pid == 0 else { return }
        // The child. The line on stderr and the syslog entry are written
        // already, so any failure here ends it quietly. Returning to the
        // caller's namespace needs the capability, which a refusal after
        // the drop no longer has; the notice is then sent from the jail,
        // which reaches a bus on a filesystem socket all the same.
        _ = cl_return_to_caller_netns()
        do throws(Refusal) { try Privileges.dropAll() } catch { _exit(1) }
        let null = cl_open("/dev/null", O_RDWR | O_CLOEXEC)
        if null >= 0 {
            for fd: Int32 in 0...2 { _ = cl_dup2(null, fd) }
        }
        let words = ["notify-send", "--app-name=netns-exec", "--urgency=critical",
                     "--icon=dialog-error", "netns-exec", message]
        var storage = words.map { Array($0.utf8CString) }
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        for i in storage.indices {
            storage[i].withUnsafeMutableBufferPointer { pointers.append($0.baseAddress) }
        }
        pointers.append(nil)
        _ = pointers.withUnsafeBufferPointer { execvp("notify-send", $0.baseAddress!) }
        _exit(127)
    }
}

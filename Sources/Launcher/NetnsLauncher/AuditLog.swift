import CLinux
import NetnsPolicy

/// One syslog line (facility authpriv) per launch and per refusal, like
/// sudo and doas. The line names the caller, the namespace and the command
/// word, never the arguments: a `%U` on a desktop Exec line is often a URL
/// or a torrent the user would not want in a system log.
public struct AuditLog: Sendable {
    let who: String
    let namespace: String

    public init(caller: Caller, namespace: NamespaceName) {
        who = "\(caller.name) (uid \(caller.uid))"
        self.namespace = namespace.value
    }

    /// The isolation is logged so that an administrator sees which guard
    /// each launch got (it depends on the kernel; see ProcessIsolation).
    public func launched(command: String, isolation: ProcessIsolation) {
        emit(LOG_INFO, "\(who) entered \(namespace): \(Quoted.text(command)); isolation: \(isolation.summary)")
    }

    /// The "entered" line must be written before execve, which does not
    /// return when it works; when it does return, this second line says
    /// the command never ran, so the log does not claim a launch that did
    /// not happen.
    public func notExecuted(command: String, status: Int32) {
        let why = status == ExitStatus.notFound ? "not found" : "cannot be executed"
        emit(LOG_NOTICE, "\(who) in \(namespace): \(Quoted.text(command)) \(why) (exit \(status)); nothing ran")
    }

    public func refused(_ reason: String) {
        emit(LOG_NOTICE, "\(who) refused for \(namespace): \(reason)")
    }

    private func emit(_ priority: Int32, _ text: String) {
        openlog("netns-exec", LOG_PID, LOG_AUTHPRIV)
        cl_syslog_authpriv(priority, text)
        // The log socket is close-on-exec already; closing it here keeps the
        // descriptor table of the exec'd program exactly the caller's.
        closelog()
    }
}

import CLinux

/// Why a launch did not happen. Every case becomes exactly one line on
/// stderr, beginning with `netns-exec:`, and exit status 125.
///
/// There are two kinds: a `Refusal.denied` is input the caller or an
/// administrator can fix, and says what to do; a `Refusal.system` is a
/// failed system call and names the step, the call, the path and errno.
public enum Refusal: Error, Sendable {
    case denied(String)
    case system(call: String, path: String?, errno: Int32, hint: String? = nil)

    public var message: String {
        switch self {
        case .denied(let text):
            return text
        case .system(let call, let path, let errno, let hint):
            let subject = path.map { "\(call)(\($0))" } ?? call
            let base = "\(subject): \(Errno.describe(errno))"
            return hint.map { "\(base): \($0)" } ?? base
        }
    }
}

/// Errno as text, without the locale machinery of strerror_l.
public enum Errno {
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

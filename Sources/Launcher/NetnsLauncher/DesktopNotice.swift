import CLinux
import NetnsPolicy

/// What a desktop user is told: a refusal (its one line, as a
/// notification, when stderr is not a terminal), and FirstLaunch's notice.
///
/// From a menu entry, stderr goes nowhere a person looks: the desktop
/// discards the one line that says why nothing started. So when stderr is
/// not a terminal, the same line is also shown as a desktop notification,
/// titled with the menu entry's name (`--menu-name=`, which `netns-jail
/// desktop` writes) or else the command's, at normal urgency (a critical
/// one stays until dismissed, and they piled up), naming the link the
/// refused launch leaves unopened.
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
        let launch = Launch.fromArguments()
        var body = message
        if let link = launch.link { body += "\nNot opened: " + link }
        send(title: launch.title, body: body, icon: "dialog-error")
    }

    /// Execs notify-send with stdio on /dev/null; never returns. The
    /// caller is a child that holds no privilege.
    static func send(title: String, body: String, icon: String) -> Never {
        let null = cl_open("/dev/null", O_RDWR | O_CLOEXEC)
        if null >= 0 {
            for fd: Int32 in 0...2 { _ = cl_dup2(null, fd) }
        }
        // The summary is plain text; the body may be read as markup by the
        // notification server, so what came from a link cannot become a tag
        // (an <img> the server would fetch, from outside the jail).
        let words = ["notify-send", "--app-name=netns-exec", "--urgency=normal",
                     "--icon=" + icon, title, escapeMarkup(body)]
        var storage = words.map { Array($0.utf8CString) }
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        for i in storage.indices {
            storage[i].withUnsafeMutableBufferPointer { pointers.append($0.baseAddress) }
        }
        pointers.append(nil)
        _ = pointers.withUnsafeBufferPointer { execvp("notify-send", $0.baseAddress!) }
        _exit(127)
    }

    static func escapeMarkup(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }

    /// What a notice says about the launch, from argv: the title and the
    /// first link among the command's arguments.
    struct Launch {
        var title = "netns-exec"
        var link: String?

        static let maxTitle = 80
        static let maxLink = 160

        static func fromArguments() -> Launch {
            let argc = Int(cl_saved_argc())
            guard let argv = cl_saved_argv() else { return Launch() }
            let argument = { (i: Int) in String(cString: argv[i]!) }
            var launch = Launch()
            guard case .launch(_, let commandIndex)? = try? Invocation.parse(count: argc, argument: argument) else {
                return launch
            }
            if let name = Invocation.menuName(count: argc, argument: argument), !name.isEmpty {
                launch.title = shown(name, limit: maxTitle)
            } else {
                let command = argument(commandIndex)
                let base = command.split(separator: "/").last.map(String.init) ?? command
                launch.title = shown(base, limit: maxTitle)
            }
            var i = commandIndex + 1
            while i < argc, launch.link == nil {
                let word = argument(i)
                if isLink(word) { launch.link = shown(word, limit: maxLink) }
                i += 1
            }
            return launch
        }

        /// A URI as a desktop's %u/%U gives it: a scheme of two or more
        /// letters, digits, `+`, `-` or `.`, starting with a letter, then `:`.
        static func isLink(_ word: String) -> Bool {
            var length = 0
            for byte in word.utf8 {
                if byte == UInt8(ascii: ":") { return length >= 2 }
                let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                let other = byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                guard letter || (length > 0 && (digit || other)) else { return false }
                length += 1
            }
            return false
        }

        /// At most `limit` characters, controls as spaces.
        static func shown(_ text: String, limit: Int) -> String {
            var out = ""
            var count = 0
            for scalar in text.unicodeScalars {
                if count == limit { out += "…"; break }
                out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
                count += 1
            }
            return out
        }
    }
}

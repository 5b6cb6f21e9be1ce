/// The pure rules of the launcher's hand-off check (HandOff, which reads
/// /proc and says why the check exists): which files execvpe would run
/// for a command, and how a process found in /proc is recognised as a
/// running copy of it that can be handed work.
public enum HandOffMatch {
    /// The kernel keeps a process name of at most this many bytes.
    public static let commLength = 15
    /// glibc's search path when PATH is unset, as execvpe uses it.
    public static let defaultPath = "/bin:/usr/bin"

    /// The paths execvpe tries for `command`, in order: the command itself
    /// when it has a slash, else each directory of `path` (an empty one is
    /// the current directory).
    public static func candidates(for command: String, path: String?) -> [String] {
        if command.utf8.contains(UInt8(ascii: "/")) { return [command] }
        var candidates: [String] = []
        for dir in (path ?? defaultPath).split(separator: ":", omittingEmptySubsequences: false) {
            candidates.append((dir.isEmpty ? "." : String(dir)) + "/" + command)
        }
        return candidates
    }

    /// The last component of `path`.
    public static func baseName(_ path: String) -> String {
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            return String(path[path.utf8.index(after: slash)...])
        }
        return path
    }

    /// A file that starts with `#!` is a script: never the exe of the
    /// process it becomes, so it is compared by process name instead.
    public static func isScript(start: [UInt8]) -> Bool {
        start.count >= 2 && start[0] == UInt8(ascii: "#") && start[1] == UInt8(ascii: "!")
    }

    /// The process name a script named `name` runs under: its base name
    /// cut to the kernel's 15 bytes.
    public static func comm(ofScript name: String) -> [UInt8] {
        Array(baseName(name).utf8.prefix(commLength))
    }

    /// /proc/PID/comm's contents as a name: without its newline.
    public static func comm(read bytes: [UInt8]) -> [UInt8] {
        bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes
    }

    /// A /proc entry's name (up to its NUL) as a pid, or nil for the other
    /// entries and for numbers of more than nine digits.
    public static func processID<Bytes: Sequence>(_ name: Bytes) -> Int32? where Bytes.Element == UInt8 {
        var value: Int32 = 0
        var digits = 0
        for byte in name {
            if byte == 0 { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 9 else { return nil }
            value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Whether a /proc/PID/fd link's text names a socket (`socket:[INODE]`).
    public static func isSocket(linkText: [UInt8]) -> Bool {
        linkText.starts(with: Array("socket:".utf8))
    }
}

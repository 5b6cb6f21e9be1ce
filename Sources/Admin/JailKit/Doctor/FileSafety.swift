import Glibc
import NetnsHost

/// Whether only root can change a file or directory, in the words of a
/// doctor line. Used for the launcher, the directories above it, its
/// policy and /run/netns: anyone else who can replace one of them decides
/// what runs with cap_sys_admin, who it admits or which namespace it enters.
enum FileSafety {
    /// nil when `path` is root-owned and not writable by group or other
    /// (RootOnly, the launcher's rule and words); else what is wrong and the
    /// command that fixes it. `stickyDirectoryIsSafe`: see RootOnly; the
    /// launcher accepts no sticky directory for its policy directory or
    /// /run/netns, so neither does doctor there.
    static func rootControlled(_ path: String, stickyDirectoryIsSafe: Bool = false) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return "cannot be examined: \(String(cString: strerror(errno)))"
        }
        return RootOnly.problem(owner: st.st_uid, mode: st.st_mode, path: path, stickyDirectoryIsSafe: stickyDirectoryIsSafe)
    }

    /// The directories from `path`'s parent up to `/`, nearest first.
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = path
        while let slash = current.lastIndex(of: "/") {
            current = slash == current.startIndex ? "/" : String(current[..<slash])
            result.append(current)
            if current == "/" { break }
        }
        return result
    }
}

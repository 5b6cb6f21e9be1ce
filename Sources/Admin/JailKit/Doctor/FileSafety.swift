import Glibc

/// Whether only root can change a file or directory, in the words of a
/// doctor line. Used for the launcher, the directories above it, its
/// policy and /run/netns: anyone else who can replace one of them decides
/// what runs with cap_sys_admin, who it admits or which namespace it enters.
enum FileSafety {
    /// nil when `path` is root-owned and not writable by group or other;
    /// else what is wrong and the command that fixes it.
    /// `stickyDirectoryIsSafe`: a world-writable sticky directory (/var/tmp)
    /// passes, since nobody but root can rename or remove root's entries in
    /// it. The launcher itself accepts no such thing for its policy
    /// directory or /run/netns, so neither does doctor there.
    static func rootControlled(_ path: String, stickyDirectoryIsSafe: Bool = false) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return "cannot be examined: \(String(cString: strerror(errno)))"
        }
        if st.st_uid != 0 {
            return "is owned by uid \(st.st_uid), not root; run: chown root \(path)"
        }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        if st.st_mode & (S_IWGRP | S_IWOTH) != 0 && !(stickyDirectoryIsSafe && isDirectory && st.st_mode & S_ISVTX != 0) {
            return "is writable by group or other; run: chmod go-w \(path)"
        }
        return nil
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

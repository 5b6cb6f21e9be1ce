import CLinux
import NetnsPolicy

/// The jail's own ~/.config/user-dirs.dirs: the XDG user directories that
/// the jail's home shares (UserDirectories.jailFile says what it holds),
/// so a jailed program finds the user's Downloads under the name the
/// user's own file gives it (`Téléchargements`, `Media/Music`), and a
/// directory the user turned off stays off.
///
/// Written after every privilege is gone, as the caller, in the jail's
/// view (where the home is the jail's own): an ordinary file of the
/// user's in a directory of the user's, so nothing here needs the
/// launcher's care with links beyond not following one. It is replaced
/// only when its text differs, and never refuses a launch: a failure is
/// one line, and the program runs without it (with the default names).
public enum UserDirsFile {
    static let maximumSize = 16384

    public static func write(home: String, _ entries: [(key: String, folder: UserDirectories.Folder)]) {
        let text = UserDirectories.jailFile(entries)
        let path = home + "/" + UserDirectories.file
        if let failure = replace(home: home, text: text) {
            Console.error("could not write \(Quoted.text(path, limit: Quoted.longPath)) in the jail (\(failure)); programs there use the default folder names")
        }
    }

    /// nil, or what failed.
    static func replace(home: String, text: String) -> String? {
        let homeFD = cl_open(home, cl_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard homeFD >= 0 else { return "open: \(Errno.describe(cl_errno()))" }
        defer { close(homeFD) }
        if mkdirat(homeFD, ".config", 0o700) != 0 && cl_errno() != EEXIST { return "mkdir .config: \(Errno.describe(cl_errno()))" }
        let config = cl_openat(homeFD, ".config", cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
        guard config >= 0 else { return "open .config: \(Errno.describe(cl_errno()))" }
        defer { close(config) }
        let name = "user-dirs.dirs"
        if current(in: config, name) == Array(text.utf8) { return nil }
        // Beside it, then renamed over it: a program reading it meanwhile
        // sees the old file or the new one, never half of one.
        let temporary = name + ".netns-exec"
        _ = unlinkat(config, temporary, 0)
        let fd = cl_openat(config, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "open: \(Errno.describe(cl_errno()))" }
        var text = text
        let code = text.withUTF8 { Descriptor.writeAll(fd, UnsafeRawBufferPointer($0)) }
        guard code == 0 else {
            close(fd)
            _ = unlinkat(config, temporary, 0)
            return "write: \(Errno.describe(code))"
        }
        close(fd)
        guard cl_renameat(config, temporary, config, name) == 0 else {
            let code = cl_errno()
            _ = unlinkat(config, temporary, 0)
            return "rename: \(Errno.describe(code))"
        }
        return nil
    }

    /// The file's bytes, or nil when it is not a regular file that can be
    /// read (a FIFO does not hold the launch: O_NONBLOCK).
    static func current(in config: Int32, _ name: String) -> [UInt8]? {
        let fd = cl_openat(config, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & cl_S_IFMT == cl_S_IFREG else { return nil }
        do throws(Refusal) {
            return try Descriptor.readAll(fd, limit: maximumSize, expected: Int(st.st_size), path: name)
        } catch {
            return nil
        }
    }
}

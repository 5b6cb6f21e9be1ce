import CLinux
import NetnsLimits
import NetnsPolicy

/// Which folders of the user's real home the jail's home shows: an
/// allow-list, read while the launcher holds CAP_SYS_ADMIN.
///
/// The jail's home is its own (JailState), so a program finds there only
/// its own dot-files: no profile, socket or lock of a copy running outside
/// can be reached, whatever the program calls it (`~/.thunderbird`,
/// `~/.config/mozilla`, a name not yet seen). What the user works on is
/// shared in by name:
///
///  - the XDG user directories (Desktop, Documents, Downloads, Music,
///    Pictures, Public, Templates, Videos), as the user's
///    ~/.config/user-dirs.dirs names them, else by their default names;
///  - folders the administrator lists (`share=` in netns-exec.conf);
///  - folders the user lists in ~/.netns-exec/NAME/shared, one a line.
///
/// All three are the caller's to write, and the caller may race us, so
/// the rule is the same for each, SharedFolder's (NetnsPolicy): a path
/// relative to the home, no `.` or `..`, never the home itself and never
/// ~/.netns-exec (the jail's own store, which the jail must not reach).
/// What user-dirs.dirs's lines mean is UserDirectories' (NetnsHost).
/// The files are read from a descriptor opened component by component
/// with O_NOFOLLOW, must be
/// regular files the caller owns, and are bounded in size; a file that
/// breaks a rule is ignored with one line, and a line that breaks one is
/// ignored with one line. A folder that does not exist is not shared (and
/// not created). Opening each folder is JailState's (by descriptor).
enum SharedFolders {
    /// Either file is a few hundred bytes; anything larger is not one.
    static let maximumFileSize = 16384
    /// Folders shared in all; more are ignored with one line.
    static let maximumCount = 64

    /// What the jail's home shows of the real one: the folders to share,
    /// relative to the home, without repeats; and what user-dirs.dirs says
    /// of each XDG user directory, its folder normalized (for the jail's
    /// own copy of the file, UserDirsFile).
    struct Shares {
        var folders: [String] = []
        var userDirectories: [(key: String, folder: UserDirectories.Folder)] = []
    }

    /// `homeFD` is the real home; `storeFD` the jail's store (its list).
    static func list(home: String, homeFD: Int32, storeFD: Int32, store: String, uid: uid_t,
                     administrator: [String]) -> Shares {
        var shares = Shares()
        func add(_ path: String, from source: String) -> String? {
            guard let relative = SharedFolder.normalized(path) else {
                Console.error("\(source): ignoring \(Quoted.text(path, limit: Quoted.longPath)): a folder to share is a path inside the home, not the home itself, not ~/.netns-exec, without . or ..")
                return nil
            }
            if shares.folders.contains(relative) { return relative }
            guard shares.folders.count < maximumCount else {
                Console.error("\(source): ignoring \(Quoted.text(path, limit: Quoted.longPath)): at most \(maximumCount) folders are shared")
                return nil
            }
            shares.folders.append(relative)
            return relative
        }
        let userDirsPath = home + "/" + UserDirectories.file
        let text = read(UserDirectories.file, from: homeFD, path: userDirsPath, uid: uid)
        for (key, folder) in UserDirectories.folders(in: text, home: home) {
            switch folder {
            case .inHome(let path):
                if let relative = add(path, from: userDirsPath) { shares.userDirectories.append((key, .inHome(relative))) }
            case .off:
                shares.userDirectories.append((key, .off))
            case .outside(let value):
                Console.error("\(userDirsPath): ignoring \(Quoted.text(key))=\(Quoted.text(value, limit: Quoted.longPath)): only a folder inside the home is shared with the jail")
            }
        }
        for path in administrator { _ = add(path, from: PolicyFile.path) }
        let listPath = store + "/" + HostPaths.sharedListName
        if let text = read(HostPaths.sharedListName, from: storeFD, path: listPath, uid: uid) {
            for line in text.split(separator: UInt8(ascii: "\n")) where line.first != UInt8(ascii: "#") {
                _ = add(String(decoding: line, as: UTF8.self), from: listPath)
            }
        }
        return shares
    }

    /// The bytes of the file `relative` below `directory`, or nil when it
    /// is not there or breaks a rule (then one line says which).
    static func read(_ relative: String, from directory: Int32, path: String, uid: uid_t) -> [UInt8]? {
        let fd = openFile(relative, from: directory)
        if fd < 0 {
            let code = cl_errno()
            if code == ENOENT { return nil }
            let why = code == ELOOP || code == ENOTDIR ? "it, or a folder on its way, is a link" : Errno.describe(code)
            Console.error("ignoring \(Quoted.text(path, limit: Quoted.longPath)): \(why); it must be a file of yours")
            return nil
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & cl_S_IFMT == cl_S_IFREG, st.st_uid == uid else {
            Console.error("ignoring \(Quoted.text(path, limit: Quoted.longPath)): it is not a regular file of yours")
            return nil
        }
        let bytes: [UInt8]?
        do throws(Refusal) {
            bytes = try Descriptor.readAll(fd, limit: maximumFileSize, expected: Int(st.st_size), path: path)
        } catch {
            Console.error("ignoring \(Quoted.text(path, limit: Quoted.longPath)): \(error.message)")
            return nil
        }
        guard let bytes else {
            Console.error("ignoring \(Quoted.text(path, limit: Quoted.longPath)): it is larger than \(maximumFileSize) bytes")
            return nil
        }
        return bytes
    }

    /// Opens a file below `directory` for reading, one component at a time,
    /// following no link; -1 with errno set otherwise. O_NONBLOCK: a FIFO
    /// put there must not hold the launch (fstat then turns it away).
    static func openFile(_ relative: String, from directory: Int32) -> Int32 {
        var current = cl_dup_cloexec(directory)
        guard current >= 0 else { return -1 }
        let parts = relative.split(separator: "/").map(String.init)
        for (i, name) in parts.enumerated() {
            let last = i == parts.count - 1
            let flags = last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
                             : cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            let next = cl_openat(current, name, flags, 0)
            let code = cl_errno()
            close(current)
            guard next >= 0 else { cl_set_errno(code); return -1 }
            current = next
        }
        return current
    }
}

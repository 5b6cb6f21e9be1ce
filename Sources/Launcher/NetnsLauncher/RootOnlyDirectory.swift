import CLinux
import NetnsPolicy

/// A directory that only root can change, held open: the one way the
/// launcher opens the files that decide what a jail is (the policy, the
/// namespace names under /run/netns, the jail's own /etc files).
///
/// The rule, as sudo and doas apply it to their configuration: the
/// directory and each file in it must be owned by root and not writable by
/// group or other, or a user could decide who enters which namespace, or
/// where the jail's DNS goes. It is checked on descriptors, never on paths,
/// so nothing can be swapped between the check and the use:
///  - the directory is opened once (O_PATH) and checked through that
///    descriptor;
///  - a file is opened relative to it with O_NOFOLLOW (a symbolic link is
///    refused, not followed: ELOOP), O_NONBLOCK (a FIFO planted there cannot
///    hang the launch), O_NOCTTY (a terminal cannot become ours) and
///    O_CLOEXEC, then checked through its own descriptor by the caller
///    (requireRootOnly for a regular file; NamespaceFile asks nsfs).
struct RootOnlyDirectory: ~Copyable {
    let fd: Int32
    let path: String

    /// What opening a name in the directory found. `opened` hands over a
    /// descriptor the caller closes.
    enum Lookup { case opened(Int32), missing, symbolicLink }

    /// Opens and checks `path`; nil when it does not exist. With
    /// `refusingLink` the path may not itself be a symbolic link (the open
    /// fails with ENOTDIR): used for a jail's own directory, which root
    /// creates, unlike /etc and /run/netns, which the system provides.
    init?(_ path: String, refusingLink: Bool = false) throws(Refusal) {
        try self.init(checking: cl_open(path, cl_O_PATH | O_DIRECTORY | O_CLOEXEC | (refusingLink ? O_NOFOLLOW : 0)),
                      path: path)
    }

    /// Opens and checks the directory `name` directly in `parent`, never
    /// following a link; nil when it does not exist.
    init?(_ name: String, in parent: borrowing RootOnlyDirectory) throws(Refusal) {
        let path = parent.path + "/" + name
        try self.init(checking: cl_openat(parent.fd, name, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0), path: path)
    }

    /// What an open of `path` returned (`fd`, or -1 with errno just set):
    /// nil when the name does not exist, the directory once it passes the
    /// root-only check, closed again when it does not.
    private init?(checking fd: Int32, path: String) throws(Refusal) {
        guard fd >= 0 else {
            if cl_errno() == ENOENT { return nil }
            throw .system(call: "open", path: path, errno: cl_errno())
        }
        do throws(Refusal) {
            try RootOnlyDirectory.requireRootOnly(fd, what: path, isDirectory: true)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Opens `name` in the directory for reading, as above. Errors other
    /// than a missing name or a link are refusals naming `shown` (the path
    /// as messages show it); EACCES gets `unreadable` as its hint.
    func open(_ name: String, shownAs shown: String, unreadable: String? = nil) throws(Refusal) -> Lookup {
        let file = cl_openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0)
        if file >= 0 { return .opened(file) }
        let code = cl_errno()
        switch code {
        case ENOENT: return .missing
        case ELOOP: return .symbolicLink
        default: throw .system(call: "open", path: shown, errno: code, hint: code == EACCES ? unreadable : nil)
        }
    }

    /// The directory's entries (Directory.entries), read through a readable
    /// descriptor of this same directory: an O_PATH one cannot be listed.
    func entries(limit: Int) throws(Refusal) -> [Directory.Entry] {
        let readable = cl_openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard readable >= 0 else { throw .system(call: "open", path: path, errno: cl_errno()) }
        defer { close(readable) }
        return try Directory.entries(readable, path: path, limit: limit)
    }

    /// Fails unless `fd` is root-owned and not writable by group or other,
    /// and is a directory or a regular file as asked. Returns its size.
    @discardableResult
    static func requireRootOnly(_ fd: Int32, what: String, isDirectory: Bool) throws(Refusal) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system(call: "fstat", path: what, errno: cl_errno()) }
        let type = st.st_mode & cl_S_IFMT
        if isDirectory ? type != cl_S_IFDIR : type != cl_S_IFREG {
            throw .denied("\(what) is not a \(isDirectory ? "directory" : "regular file")")
        }
        if let refusal = RootOnly.refusal(owner: st.st_uid, mode: st.st_mode, path: what) {
            throw .denied(refusal)
        }
        return Int(st.st_size)
    }
}

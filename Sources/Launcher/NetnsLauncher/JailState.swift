import CLinux
import NetnsPolicy

/// The jailed program's own state: its settings, data, caches and profile
/// are the jail's, not the ones the same program uses outside.
///
/// Desktop programs hand their work to a running copy of themselves through
/// their profile (qBittorrent's IPC socket in ~/.config/qBittorrent,
/// Chromium's SingletonSocket linked from its profile), and a torrent added
/// in the jail was resumed, from the real address, by the next unjailed
/// start that read the same profile. So by default the jail's mount view
/// puts a directory of the jail's own over each place such state lives in
/// the user's home: ~/.config, ~/.local/share, ~/.local/state, ~/.cache and
/// ~/.mozilla (Firefox ignores XDG). They are kept in ~/.netns-exec/NAME/,
/// where the user can reach them from outside; everything else in the home,
/// Documents and Downloads above all, is the user's own.
/// `state=shared` in netns-exec.conf turns this off for a namespace.
///
/// Every path here is the user's to change, and we hold CAP_SYS_ADMIN. So
/// each is walked one component at a time with O_NOFOLLOW from the home
/// directory the password database names, must be a directory the caller
/// owns, and is mounted from descriptor to descriptor (cl_bind_descriptor):
/// no link can aim a bind anywhere else.
enum JailState {
    /// Relative to the home directory; the store's name for each follows.
    static let covered = HostPaths.coveredState
    static let store = HostPaths.stateStore

    static func separate(for namespace: NamespaceName, uid: uid_t, home: String) throws(Refusal) {
        let homeFD = cl_open(home, cl_O_PATH | O_DIRECTORY | O_CLOEXEC)
        if homeFD < 0 {
            // No home, no profile to share: nothing to separate.
            if cl_errno() == ENOENT || cl_errno() == ENOTDIR { return }
            throw .system(call: "open", path: home, errno: cl_errno())
        }
        defer { close(homeFD) }
        try requireOwned(homeFD, by: uid, path: home)
        for (path, name) in covered {
            let source = try walk(store + "/" + namespace.value + "/" + name, from: homeFD, home: home, uid: uid)
            defer { close(source) }
            let target = try walk(path, from: homeFD, home: home, uid: uid)
            defer { close(target) }
            guard cl_bind_descriptor(source, target, 0) == 0 else {
                throw .system(call: "mount", path: "bind over \(home)/\(path)", errno: cl_errno())
            }
        }
    }

    /// Opens `relative` below the home one component at a time, creating
    /// what is missing (mode 0700, as the caller), refusing links and
    /// anything the caller does not own.
    static func walk(_ relative: String, from homeFD: Int32, home: String, uid: uid_t) throws(Refusal) -> Int32 {
        var current = cl_dup_cloexec(homeFD)
        guard current >= 0 else { throw .system(call: "dup", path: home, errno: cl_errno()) }
        var path = home
        for component in relative.split(separator: "/") {
            let name = String(component)
            path += "/" + name
            var next = cl_openat(current, name, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
            if next < 0 && cl_errno() == ENOENT {
                if mkdirat(current, name, 0o700) != 0 && cl_errno() != EEXIST {
                    let code = cl_errno()
                    close(current)
                    throw .system(call: "mkdir", path: Quoted.text(path), errno: code)
                }
                next = cl_openat(current, name, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
            }
            let code = cl_errno()
            close(current)
            guard next >= 0 else {
                if code == ELOOP || code == ENOTDIR {
                    throw .denied("\(Quoted.text(path)) is not a directory (a link?); the jail keeps its own state there, so fix it or ask for state=shared (netns-exec.conf(5))")
                }
                throw .system(call: "open", path: Quoted.text(path), errno: code)
            }
            current = next
            do throws(Refusal) { try requireOwned(current, by: uid, path: path) } catch {
                close(current)
                throw error
            }
        }
        return current
    }

    static func requireOwned(_ fd: Int32, by uid: uid_t, path: String) throws(Refusal) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system(call: "fstat", path: Quoted.text(path), errno: cl_errno()) }
        guard st.st_uid == uid else {
            throw .denied("\(Quoted.text(path)) is not yours, so the jail cannot keep its own state there; ask an administrator to fix it or to set state=shared (netns-exec.conf(5))")
        }
    }
}

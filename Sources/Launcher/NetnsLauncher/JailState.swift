import CLinux
import NetnsPolicy

/// The jailed program's own home: every dot-file and dot-directory in it
/// is the jail's, and the user's documents are shared in by name.
///
/// Desktop programs hand their work to a running copy of themselves
/// through their profile (qBittorrent's IPC socket in ~/.config, Chromium's
/// SingletonSocket, Thunderbird's lock in ~/.thunderbird), and work left in
/// a shared profile (a torrent added in the jail, a calendar subscribed
/// there) is resumed by the next unjailed start, from the real address. A
/// list of the places programs keep state (~/.config, ~/.cache, ~/.mozilla,
/// ...) misses every program that picks a place of its own, so by default
/// the jail's mount view puts a home of the jail's own over the home the
/// password database names: ~/.netns-exec/NAME/home, where the user can
/// reach it from outside. Into it go, bound from the real home, only the
/// folders SharedFolders allows (the XDG user directories, and what the
/// administrator or the user lists). ~/.netns-exec is never among them, so
/// the jail cannot reach its own store, another jail's, or its lists.
/// `state=shared` in netns-exec.conf turns this off for a namespace.
///
/// Every path here is the user's to change, and we hold CAP_SYS_ADMIN. So
/// each is walked one component at a time with O_NOFOLLOW from the home
/// directory the password database names, must be a directory the caller
/// owns, and is mounted from descriptor to descriptor (cl_bind_descriptor):
/// no link can aim a bind anywhere else. The shared folders are opened
/// before anything covers the real home, bound into the jail's home where
/// it is kept, and the jail's home is then bound over the real one with
/// them (recursively), so no path is looked up after the home is covered.
enum JailState {
    // The layout (~/.netns-exec/NAME/home, the earlier stores) is
    // HostPaths' (NetnsHost), which netns-jail's settings copy reads too.

    /// Returns what the jail's own user-dirs.dirs names (UserDirsFile):
    /// the XDG user directories that were shared, and those turned off;
    /// nil where the user has no home (and the jail none either).
    static func separate(for namespace: NamespaceName, uid: uid_t, home: String,
                         administratorShares: [String]) throws(Refusal) -> [(key: String, folder: UserDirectories.Folder)]? {
        let homeFD = cl_open(home, cl_O_PATH | O_DIRECTORY | O_CLOEXEC)
        if homeFD < 0 {
            // No home, no profile to share: nothing to separate.
            if cl_errno() == ENOENT || cl_errno() == ENOTDIR { return nil }
            throw .system(call: "open", path: home, errno: cl_errno())
        }
        defer { close(homeFD) }
        try requireOwned(homeFD, by: uid, path: home)
        let storePath = HostPaths.jailStore(namespace.value)
        let storeFD = try walk(storePath, from: homeFD, home: home, uid: uid)
        defer { close(storeFD) }
        let jailHomePath = home + "/" + HostPaths.jailHome(namespace.value)
        let jailHome = try walk(HostPaths.jailHomeName, from: storeFD, home: home + "/" + storePath, uid: uid)
        defer { close(jailHome) }
        try moveEarlierStores(from: storeFD, into: jailHome, path: jailHomePath, uid: uid)

        // The folders shared in, opened in the real home before it is covered.
        let shares = SharedFolders.list(home: home, homeFD: homeFD, storeFD: storeFD,
                                        store: home + "/" + storePath, uid: uid,
                                        administrator: administratorShares)
        var bound: [String] = []
        for folder in shares.folders {
            guard let source = openShared(folder, from: homeFD, home: home, uid: uid) else { continue }
            defer { close(source) }
            let target = try walk(folder, from: jailHome, home: jailHomePath, uid: uid)
            defer { close(target) }
            // Recursive: a disk the user mounted inside the folder comes along.
            guard cl_bind_descriptor(source, target, 1) == 0 else {
                throw .system(call: "mount", path: "bind of \(home)/\(folder) into \(jailHomePath)", errno: cl_errno())
            }
            bound.append(folder)
        }
        // The jail's home over the real one, with the folders bound in it.
        guard cl_bind_descriptor(jailHome, homeFD, 1) == 0 else {
            throw .system(call: "mount", path: "bind of \(jailHomePath) over \(home)", errno: cl_errno())
        }
        return shares.userDirectories.filter { entry in
            if case .inHome(let folder) = entry.folder { return bound.contains(folder) }
            return true
        }
    }

    /// A folder of the real home to share, open, or nil when it is not
    /// there or is not a directory of the caller's reached without a link
    /// (one line says so: the launch goes on without it).
    static func openShared(_ folder: String, from homeFD: Int32, home: String, uid: uid_t) -> Int32? {
        var current = cl_dup_cloexec(homeFD)
        guard current >= 0 else { return nil }
        for component in folder.split(separator: "/") {
            let next = cl_openat(current, String(component), cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
            let code = cl_errno()
            close(current)
            guard next >= 0 else {
                if code != ENOENT {
                    let why = code == ELOOP || code == ENOTDIR ? "it is not a directory (a link?)" : Errno.describe(code)
                    Console.error("not sharing \(Quoted.text(home + "/" + folder, limit: Quoted.longPath)) with the jail: \(why)")
                }
                return nil
            }
            current = next
            var st = stat()
            guard fstat(current, &st) == 0, st.st_uid == uid else {
                close(current)
                Console.error("not sharing \(Quoted.text(home + "/" + folder, limit: Quoted.longPath)) with the jail: it is not yours")
                return nil
            }
        }
        return current
    }

    /// Moves each earlier store (HostPaths.earlierStores) into the jail's
    /// home, once, as the caller, where nothing of the same name is there
    /// yet. A rename within one directory tree: atomic, nothing copied, no
    /// link followed (a link is moved as a link).
    static func moveEarlierStores(from storeFD: Int32, into jailHome: Int32, path: String, uid: uid_t) throws(Refusal) {
        for (old, inHome) in HostPaths.earlierStores {
            var st = stat()
            if cl_fstatat_nofollow(storeFD, old, &st) != 0 { continue }     // none (the usual case)
            let parts = inHome.split(separator: "/").map(String.init)
            let parent = parts.count > 1
                ? try walk(parts.dropLast().joined(separator: "/"), from: jailHome, home: path, uid: uid)
                : cl_dup_cloexec(jailHome)
            guard parent >= 0 else { throw .system(call: "dup", path: path, errno: cl_errno()) }
            defer { close(parent) }
            // EEXIST: the jail's home has its own already; the earlier store
            // stays where it was, unused (SECURITY.md says so).
            if cl_renameat_noreplace(storeFD, old, parent, parts[parts.count - 1]) != 0
                && cl_errno() != EEXIST && cl_errno() != ENOENT {
                throw .system(call: "rename", path: "\(old) into \(path)/\(inHome)", errno: cl_errno())
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
                    throw .system(call: "mkdir", path: Quoted.text(path, limit: Quoted.longPath), errno: code)
                }
                next = cl_openat(current, name, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
            }
            let code = cl_errno()
            close(current)
            guard next >= 0 else {
                if code == ELOOP || code == ENOTDIR {
                    throw .denied("\(Quoted.text(path, limit: Quoted.longPath)) is not a directory (a link?); the jail keeps its own state there, so fix it or ask for state=shared (netns-exec.conf(5))")
                }
                throw .system(call: "open", path: Quoted.text(path, limit: Quoted.longPath), errno: code)
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
        guard fstat(fd, &st) == 0 else { throw .system(call: "fstat", path: Quoted.text(path, limit: Quoted.longPath), errno: cl_errno()) }
        guard st.st_uid == uid else {
            throw .denied("\(Quoted.text(path, limit: Quoted.longPath)) is not yours, so the jail cannot keep its own state there; ask an administrator to fix it or to set state=shared (netns-exec.conf(5))")
        }
    }
}

import CLinux
import NetnsLimits
import NetnsPolicy

/// The jail's /run: a read-only tmpfs of our own holding, bound from the
/// host's /run, every entry that was there at launch except the
/// directories whose Unix sockets answer name lookups.
///
/// A socket on the filesystem ignores network namespaces, so a jailed
/// getaddrinfo() that reached nscd, systemd-resolved or avahi would be
/// answered by the host, over the host's uplink: a DNS leak. Covering those
/// directories with a mount did not hold. The kernel drops a mount whose
/// mountpoint is removed in another mount namespace, so when the host
/// removed and re-created /run/nscd, the next jailed lookup went to the
/// host's nscd; and a resolver directory created after the launch was never
/// covered at all. Here the hidden names are simply absent from a directory
/// only this mount namespace has, whatever the host later does with them.
///
/// Every other entry is the host's own, bound recursively (so mounts the
/// host makes inside them later still arrive). Where the jail keeps its own
/// state, /run/user/UID is the jail's own runtime directory (JailRuntime),
/// which shows, besides what the jail's programs put there, only what
/// RuntimeDirectory allows from the real one. The cost: an entry the host creates at the top
/// of /run after the launch does not appear in the jail; relaunch to see it.
///
/// We hold CAP_SYS_ADMIN here, and some of these entries are the caller's
/// (all of /run/user/UID): a name looked up at mount time could be a link
/// the caller put there a moment after the listing, and the bind would
/// follow it (a racing caller got the host's nscd directory bound into
/// the jail). So each entry is opened once with O_PATH|O_NOFOLLOW, its
/// type is read from that descriptor, and the bind is made from that
/// descriptor onto a descriptor of its stand-in (cl_bind_descriptor): no
/// path is looked up after the check. A link is copied as a link, never
/// followed. Names are bytes throughout.
enum RunView {
    /// What the jail's /run leaves out is JailRun's list (NetnsHost),
    /// shared with netns-jail; the rules per directory are JailRun.Rules.
    typealias Rules = JailRun.Rules

    /// A /run with more entries than this is refused rather than rebuilt
    /// in part (it is a few dozen on a desktop).
    static let maximumEntries = Int(NX_RUN_ENTRIES_MAX)

    /// `runtime`: where the jail keeps its own state, the jail's runtime
    /// directory, put at /run/user/UID; nil under state=shared (the
    /// user's whole directory). True when it was put there (the user has
    /// a runtime directory).
    static func build(_ roots: [String], runtime: JailRuntime?) throws(Refusal) -> Bool {
        let rules = Rules.top(runtimeDirectoryOf: runtime?.uid)
        var made = false
        for root in roots {
            made = try rebuild(root, rules: rules, runtime: runtime) || made
        }
        return made
    }

    /// The directories to rebuild: /run, and /var/run only where it is a
    /// directory of its own. A /var/run that links to /run is /run; one
    /// that is /run bound there is the same directory (and HostMounts puts
    /// the jail's /run over it).
    static func rootsToRebuild() -> [String] {
        var seen: [(dev_t, ino_t)] = []
        var found: [String] = []
        for root in JailRun.roots {
            var st = stat()
            guard lstat(root, &st) == 0, st.st_mode & cl_S_IFMT == cl_S_IFDIR else { continue }
            if seen.contains(where: { $0 == (st.st_dev, st.st_ino) }) { continue }
            seen.append((st.st_dev, st.st_ino))
            found.append(root)
        }
        return found
    }

    /// Mounts the tmpfs over `root` and fills it. The host's directory stays
    /// reachable underneath through `host`, a descriptor opened before.
    static func rebuild(_ root: String, rules: Rules, runtime: JailRuntime?) throws(Refusal) -> Bool {
        let host = cl_open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard host >= 0 else { throw .system(call: "open", path: root, errno: cl_errno()) }
        defer { close(host) }
        let flags = cl_MS_NOSUID | cl_MS_NODEV | cl_MS_NOEXEC
        // We build it as the caller, with no capability but CAP_SYS_ADMIN,
        // so the root-owned directory must be writable by all while it is
        // filled: 1777, as /tmp. It is read-only before anything else runs,
        // and stays root-owned, so the caller can neither add to it nor
        // change its mode afterwards.
        let options = "mode=1777,uid=0,gid=0,size=64k,nr_inodes=\(2 * maximumEntries + 16)"
        guard cl_mount("tmpfs", root, "tmpfs", flags, options) == 0 else {
            throw .system(call: "mount", path: "tmpfs on \(root)", errno: cl_errno())
        }
        let jail = cl_open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard jail >= 0 else { throw .system(call: "open", path: root, errno: cl_errno()) }
        defer { close(jail) }
        let made = try fill(jail, path: Array(root.utf8), from: host, rules: rules, filtered: false, runtime: runtime)
        // Read-only from here on: nothing can be added beside the binds.
        // (The jail's runtime directory is a mount of its own, and stays
        // writable.)
        guard cl_mount(nil, root, nil, cl_MS_REMOUNT | cl_MS_BIND | cl_MS_RDONLY | flags, nil) == 0 else {
            throw .system(call: "mount", path: "\(root) (read-only)", errno: cl_errno())
        }
        return made
    }

    /// Recreates the entries of `host` in `jail` (whose path is `path`),
    /// leaving out what `rules` hide, and, when `filtered`, whatever
    /// RuntimeDirectory does not show. A directory on the way to a hidden
    /// path, or filtered itself, is rebuilt the same way one level down
    /// instead of bound whole. `reusing`: `jail` is the jail's runtime
    /// directory, which keeps what earlier launches made (see standIn).
    /// True when the jail's runtime directory was put in place below.
    @discardableResult
    static func fill(_ jail: Int32, path: [UInt8], from host: Int32, rules: Rules, filtered: Bool,
                     runtime: JailRuntime?, reusing: Bool = false) throws(Refusal) -> Bool {
        var made = false
        for entry in try Directory.entries(host, path: Quoted.bytes(path), limit: maximumEntries) {
            let name = entry.bytes
            if filtered && !RuntimeDirectory.shows(name) { continue }
            if rules.hidden.contains(name) { continue }
            let target = path + [UInt8(ascii: "/")] + name
            // What the name holds now, opened once without following a
            // link; everything below acts on this descriptor.
            let source = withName(name) { cl_openat(host, $0, cl_O_PATH | O_NOFOLLOW | O_CLOEXEC, 0) }
            if source < 0 && cl_errno() == ENOENT { continue }    // gone since the listing
            guard source >= 0 else { throw .system(call: "open", path: Quoted.bytes(target), errno: cl_errno()) }
            defer { close(source) }
            var st = stat()
            guard fstat(source, &st) == 0 else { throw .system(call: "fstat", path: Quoted.bytes(target), errno: cl_errno()) }
            let type = st.st_mode & cl_S_IFMT
            let inner = rules.below(name)
            let filterInside = rules.filtered.contains(name)
            if !inner.isEmpty || filterInside {
                // Only a real directory can be rebuilt; a link here could
                // lead to the hidden path by another name, so it is left out.
                guard type == cl_S_IFDIR else { continue }
                if filterInside, let runtime {
                    try runtime.mount(over: name, in: jail, path: target, host: source) { (own: Int32, listing: Int32) throws(Refusal) in
                        try fill(own, path: target, from: listing, rules: inner, filtered: true, runtime: nil, reusing: true)
                    }
                    made = true
                    continue
                }
                made = try rebuildDirectory(source, mode: st.st_mode, named: name, in: jail, path: target,
                                            rules: inner, filtered: filterInside, runtime: runtime) || made
                continue
            }
            if type == cl_S_IFLNK {
                // The jail's runtime directory lasts across launches: a
                // link copied there would stay after the real one changed.
                if reusing { continue }
                try copyLink(source, named: name, into: jail, path: target)
                continue
            }
            // A stand-in of the same kind, in our own tmpfs, to bind onto.
            if reusing {
                guard JailRuntime.standIn(named: name, directory: type == cl_S_IFDIR, in: jail) else { continue }
            } else {
                let standIn = withName(name) { name in
                    type == cl_S_IFDIR
                        ? mkdirat(jail, name, 0o755)
                        : cl_openat(jail, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o444)
                }
                guard standIn >= 0 else { throw .system(call: "mkdir", path: Quoted.bytes(target), errno: cl_errno()) }
                if type != cl_S_IFDIR { close(standIn) }
            }
            try bind(source, directory: type == cl_S_IFDIR, onto: name, in: jail, path: target)
        }
        return made
    }

    /// A directory of our own in place of the host's `source`, filled by
    /// `fill` from it, with the host directory's permission bits.
    static func rebuildDirectory(_ source: Int32, mode: mode_t, named name: [UInt8], in jail: Int32,
                                 path target: [UInt8], rules: Rules, filtered: Bool,
                                 runtime: JailRuntime?) throws(Refusal) -> Bool {
        // Listing needs a readable descriptor of the same directory.
        let sub = cl_openat(source, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        // Not listable by the caller: left out whole, which hides the path
        // below it as well.
        if sub < 0 && (cl_errno() == ENOENT || cl_errno() == EACCES) { return false }
        guard sub >= 0 else { throw .system(call: "open", path: Quoted.bytes(target), errno: cl_errno()) }
        defer { close(sub) }
        guard withName(name, { mkdirat(jail, $0, 0o755) }) == 0 else {
            throw .system(call: "mkdir", path: Quoted.bytes(target), errno: cl_errno())
        }
        let inner = withName(name) { cl_openat(jail, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0) }
        guard inner >= 0 else { throw .system(call: "open", path: Quoted.bytes(target), errno: cl_errno()) }
        defer { close(inner) }
        let made = try fill(inner, path: target, from: sub, rules: rules, filtered: filtered, runtime: runtime)
        // The stand-in keeps the host directory's permission bits (no
        // set-id or sticky bit): /run/user/UID must stay 0700, or Qt
        // programs refuse it as their runtime directory and fall back to
        // one in /tmp. It is the caller's (built as them), and the caller,
        // who could list the original, keeps read and search.
        guard fchmod(inner, mode & 0o777 | 0o500) == 0 else {
            throw .system(call: "chmod", path: Quoted.bytes(target), errno: cl_errno())
        }
        return made
    }

    /// Binds the host's entry, open as `source`, over its stand-in `name`
    /// in `jail`, descriptor to descriptor. The stand-in is checked on the
    /// descriptor the bind goes onto: in the jail's runtime directory the
    /// jail's programs may have put anything under that name (a link), and
    /// then the entry is left out.
    static func bind(_ source: Int32, directory: Bool, onto name: [UInt8], in jail: Int32, path target: [UInt8]) throws(Refusal) {
        let standIn = withName(name) { cl_openat(jail, $0, cl_O_PATH | O_NOFOLLOW | O_CLOEXEC, 0) }
        guard standIn >= 0 else { throw .system(call: "open", path: Quoted.bytes(target), errno: cl_errno()) }
        defer { close(standIn) }
        var st = stat()
        guard fstat(standIn, &st) == 0 else { throw .system(call: "fstat", path: Quoted.bytes(target), errno: cl_errno()) }
        guard st.st_mode & cl_S_IFMT == (directory ? cl_S_IFDIR : cl_S_IFREG) else { return }
        if cl_bind_descriptor(source, standIn, 1) == 0 { return }
        // Removed by the host since we opened it: the empty stand-in stays.
        if cl_errno() == ENOENT { return }
        throw .system(call: "mount", path: "bind of \(Quoted.bytes(target))", errno: cl_errno())
    }

    /// Copies the link open as `source` (O_PATH|O_NOFOLLOW), as a link: in
    /// the jail it leads wherever its text leads in the jail's view.
    static func copyLink(_ source: Int32, named name: [UInt8], into jail: Int32, path: [UInt8]) throws(Refusal) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = buffer.withUnsafeMutableBufferPointer { readlinkat(source, "", $0.baseAddress!, $0.count - 1) }
        guard n >= 0 else { throw .system(call: "readlink", path: Quoted.bytes(path), errno: cl_errno()) }
        buffer[n] = 0
        guard withName(name, { symlinkat(buffer, jail, $0) }) == 0 else {
            throw .system(call: "symlink", path: Quoted.bytes(path), errno: cl_errno())
        }
    }
}

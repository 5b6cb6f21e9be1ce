import CLinux
import NetnsLimits

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
/// Every other entry is the host's own, bound recursively (so /run/user/UID
/// brings the user's session bus, and the binds are slaves of the host's
/// mounts, so mounts the host makes inside them later still arrive).
/// The cost: an entry the host creates at the top of /run after the launch
/// does not appear in the jail; relaunch to see it.
enum RunView {
    /// Relative to /run (and to /var/run where that is a directory of its
    /// own rather than the usual link to /run).
    static let hidden = [
        "nscd",              // glibc's nscd client, unscd
        "systemd/resolve",   // nss-resolve's varlink socket
        "avahi-daemon",      // nss-mdns
    ]
    static let roots = ["/run", "/var/run"]
    /// A /run with more entries than this is refused rather than rebuilt
    /// in part (it is a few dozen on a desktop).
    static let maximumEntries = Int(NX_RUN_ENTRIES_MAX)

    /// `extra`: further paths to hide, relative to /run like `hidden`.
    static func build(alsoHiding extra: [String] = []) throws(Refusal) {
        var seen: [(dev_t, ino_t)] = []
        for root in roots {
            var st = stat()
            // lstat: a /var/run that links to /run is /run, done already.
            guard lstat(root, &st) == 0, st.st_mode & cl_S_IFMT == cl_S_IFDIR else { continue }
            if seen.contains(where: { $0 == (st.st_dev, st.st_ino) }) { continue }
            seen.append((st.st_dev, st.st_ino))
            try rebuild(root, hiding: hidden + extra)
        }
    }

    /// Mounts the tmpfs over `root` and fills it. The host's directory stays
    /// reachable underneath through `host`, a descriptor opened before.
    static func rebuild(_ root: String, hiding: [String]) throws(Refusal) {
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
        try fill(jail, path: root, from: host, hiding: hiding)
        // Read-only from here on: nothing can be added beside the binds.
        guard cl_mount(nil, root, nil, cl_MS_REMOUNT | cl_MS_BIND | cl_MS_RDONLY | flags, nil) == 0 else {
            throw .system(call: "mount", path: "\(root) (read-only)", errno: cl_errno())
        }
    }

    /// Recreates the entries of `host` in `jail` (whose path is `path`),
    /// leaving out `hiding`. A directory on the way to a hidden path is
    /// rebuilt the same way, one level down, instead of bound whole.
    static func fill(_ jail: Int32, path: String, from host: Int32, hiding: [String]) throws(Refusal) {
        for entry in try Directory.entries(host, path: path, limit: maximumEntries) {
            let name = entry.name
            if hiding.contains(name) { continue }
            let below = hiding.compactMap { hidden -> String? in
                hidden.hasPrefix(name + "/") ? String(hidden.dropFirst(name.utf8.count + 1)) : nil
            }
            let target = path + "/" + name
            if !below.isEmpty {
                // Only a real directory can be rebuilt; a link here could
                // lead to the hidden path by another name, so it is left out.
                guard entry.type == .directory else { continue }
                let sub = cl_openat(host, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
                // Gone, or not listable by the caller: left out whole, which
                // hides the path below it as well.
                if sub < 0 && (cl_errno() == ENOENT || cl_errno() == EACCES) { continue }
                guard sub >= 0 else { throw .system(call: "open", path: target, errno: cl_errno()) }
                defer { close(sub) }
                var original = stat()
                guard fstat(sub, &original) == 0 else { throw .system(call: "fstat", path: target, errno: cl_errno()) }
                guard mkdirat(jail, name, 0o755) == 0 else { throw .system(call: "mkdir", path: target, errno: cl_errno()) }
                let inner = cl_openat(jail, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
                guard inner >= 0 else { throw .system(call: "open", path: target, errno: cl_errno()) }
                defer { close(inner) }
                try fill(inner, path: target, from: sub, hiding: below)
                // The stand-in keeps the host directory's permission bits
                // (no set-id or sticky bit): /run/user/UID, rebuilt to leave
                // the session bus out, must stay 0700, or Qt programs refuse
                // it as their runtime directory and fall back to one in
                // /tmp. It is the caller's (built as them), and the caller,
                // who could list the original, keeps read and search.
                guard fchmod(inner, original.st_mode & 0o777 | 0o500) == 0 else {
                    throw .system(call: "chmod", path: target, errno: cl_errno())
                }
                continue
            }
            switch entry.type {
            case .symlink:
                try copyLink(name, from: host, into: jail, path: target)
            case .directory:
                guard mkdirat(jail, name, 0o755) == 0 else { throw .system(call: "mkdir", path: target, errno: cl_errno()) }
                try bind(name, from: host, onto: target)
            case .other:
                let mark = cl_openat(jail, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o444)
                guard mark >= 0 else { throw .system(call: "open", path: target, errno: cl_errno()) }
                close(mark)
                try bind(name, from: host, onto: target)
            }
        }
    }

    /// Binds the host's entry over its stand-in. An entry the host removed
    /// since it was listed is left as the empty stand-in: nothing to reach.
    static func bind(_ name: String, from host: Int32, onto target: String) throws(Refusal) {
        let source = "/proc/self/fd/\(host)/\(name)"
        if cl_mount(source, target, nil, cl_MS_BIND | cl_MS_REC, nil) == 0 { return }
        if cl_errno() == ENOENT { return }
        throw .system(call: "mount", path: "bind of \(target)", errno: cl_errno())
    }

    static func copyLink(_ name: String, from host: Int32, into jail: Int32, path: String) throws(Refusal) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = buffer.withUnsafeMutableBufferPointer { readlinkat(host, name, $0.baseAddress!, $0.count - 1) }
        if n < 0 && cl_errno() == ENOENT { return }
        guard n >= 0 else { throw .system(call: "readlink", path: path, errno: cl_errno()) }
        buffer[n] = 0
        guard symlinkat(buffer, jail, name) == 0 else { throw .system(call: "symlink", path: path, errno: cl_errno()) }
    }
}

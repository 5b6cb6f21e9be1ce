import CLinux

/// Directories whose Unix sockets answer name lookups from the host's
/// network namespace. A socket on the filesystem ignores network
/// namespaces, so a jailed getaddrinfo() that reached nscd would be
/// resolved by the host, over the host's uplink: a DNS leak. Each directory
/// that exists is covered with an empty, read-only tmpfs; the C library's
/// nscd client then fails to connect and resolves by itself, inside the
/// jail. (/var/run is usually a link to /run; both are listed for systems
/// where it is not, and a directory reached twice is covered once.)
enum ResolverSockets {
    static let directories = [
        "/run/nscd", "/var/run/nscd",                 // glibc nscd, unscd
        "/run/systemd/resolve",                        // systemd-resolved varlink
        "/run/avahi-daemon", "/var/run/avahi-daemon",  // nss-mdns via avahi
    ]

    static func hide() throws(Refusal) {
        var seen: [(dev_t, ino_t)] = []
        for path in directories {
            var st = stat()
            guard stat(path, &st) == 0, st.st_mode & cl_S_IFMT == cl_S_IFDIR else { continue }
            if seen.contains(where: { $0 == (st.st_dev, st.st_ino) }) { continue }
            seen.append((st.st_dev, st.st_ino))
            let flags = cl_MS_RDONLY | cl_MS_NOSUID | cl_MS_NODEV | cl_MS_NOEXEC
            guard cl_mount("tmpfs", path, "tmpfs", flags, "size=4k,mode=0755") == 0 else {
                throw .system(call: "mount", path: path, errno: cl_errno())
            }
        }
    }
}

import Glibc

/// Whether one of the caller's processes is the program, in a jail or not.
///
/// A profile copied while its program writes it is torn (a half-written
/// database, a session half saved), and a copy into a jail whose copy of
/// the program runs is overwritten at its exit. Jailed programs share the
/// host's process IDs (netns-exec makes no PID namespace), so one listing
/// of /proc sees both. By name (/proc/PID/comm), like pgrep: the caller's
/// own processes only, and a program under another name is not found.
public enum RunningProgram {
    static let maxEntries = 131_072

    /// The first of the caller's processes whose comm is one of `names`.
    public static func find(_ names: [String], uid: uid_t = getuid()) -> (pid: Int32, name: String)? {
        guard !names.isEmpty, let proc = opendir("/proc") else { return nil }
        defer { closedir(proc) }
        let procFD = dirfd(proc)
        var seen = 0
        while let entry = readdir(proc), seen < maxEntries {
            seen += 1
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name), pid > 0, pid != getpid() else { continue }
            var st = stat()
            guard fstatat(procFD, name, &st, 0) == 0, st.st_uid == uid else { continue }
            let fd = openat(procFD, name + "/comm", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let bytes = (try? Descriptor.readAll(fd, limit: 64)) ?? []
            close(fd)
            let comm = String(decoding: bytes, as: UTF8.self).trimmed
            if names.contains(comm) && !isZombie(procFD, name) { return (pid, comm) }
        }
        return nil
    }

    /// A process that has exited and waits for its parent (state Z in
    /// /proc/PID/stat, after the parenthesised name) holds no profile.
    static func isZombie(_ procFD: Int32, _ pid: String) -> Bool {
        let fd = openat(procFD, pid + "/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }   // gone since the listing
        defer { close(fd) }
        let bytes = (try? Descriptor.readAll(fd, limit: 1024)) ?? []
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count else { return false }
        return bytes[close + 2] == UInt8(ascii: "Z")
    }
}

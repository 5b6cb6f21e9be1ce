import Glibc

/// The one way netns-jail replaces a file in a directory only root can
/// write (/run/netns-jail, /etc/netns/NAME): a temporary file beside it,
/// made with O_EXCL|O_NOFOLLOW (nothing planted under that name is
/// followed or reused), filled, given its owner and mode through its
/// descriptor, synced, then renamed over the path. A reader (the launcher
/// reading resolv.conf, a script reading NAME.port, `status` reading a
/// PID record) sees the old file or the new one, never half of one. A
/// failure removes the temporary file, leaves the old file as it was, and
/// says which path and why, in one way (Failure).
enum AtomicFile {
    /// The write that failed: the path it was for and errno.
    struct Failure: Error, Sendable {
        let path: String
        let errno: Int32

        var message: String { "writing \(path): \(String(cString: strerror(errno)))" }
    }

    /// The temporary file's name beside `path`.
    static func temporary(for path: String) -> String { path + ".netns-jail-new" }

    /// Replaces `path` with `bytes`, root:root, `mode`.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(Failure) {
        let temporary = temporary(for: path)
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(path: path, errno: errno) }
        var code: Int32 = 0
        errno = 0     // a write of nothing sets none: EIO then
        if !Descriptor.writeAll(fd, bytes) {
            code = errno == 0 ? EIO : errno
        } else if fchown(fd, 0, 0) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0 {
            code = errno
        }
        close(fd)
        if code == 0 && rename(temporary, path) != 0 { code = errno }
        guard code == 0 else {
            unlink(temporary)
            throw Failure(path: path, errno: code)
        }
    }
}

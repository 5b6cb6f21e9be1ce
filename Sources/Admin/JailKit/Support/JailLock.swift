import Glibc
import NetnsHost

/// One lock per jail, held by every command that changes it (up, down, the
/// supervisor's repairs), so that two of them never build or tear down the
/// same namespace at once: before it, two concurrent `up` each saw a
/// half-built jail made by the other and one told the administrator to
/// `down` it.
///
/// An flock(2) on /run/netns-jail/NAME.lock, a root-only file (0600, in a
/// directory only root can write), so no user can hold a jail's lock. The
/// kernel drops the lock when its holder dies, SIGKILL included, so a
/// killed `up` never leaves a jail locked. The holder writes its PID and
/// command into the file, only to name it in the loser's message.
public final class JailLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    public static func path(for name: String) -> String { "\(JailPaths.stateDirectory)/\(name).lock" }

    /// Takes the lock, waiting at most `seconds` for another holder to finish.
    /// `command` (up, down, repair) is recorded for the next loser.
    public static func acquire(_ name: String, command: String, wait seconds: Double) throws(JailError) -> JailLock {
        try ensureStateDirectory()
        let path = path(for: name)
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failure("open(\(path)): \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == 0, st.st_mode & 0o077 == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .failure("\(path) must be a regular file owned by root, mode 0600; remove it and try again")
        }
        let deadline = monotonicSeconds() + seconds
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let e = errno
                close(fd)
                throw .failure("flock(\(path)): \(String(cString: strerror(e)))")
            }
            if monotonicSeconds() >= deadline {
                let holder = String(decoding: readSmallFile(path, limit: 200), as: UTF8.self)
                    .split(separator: "\n").first.map(String.init) ?? ""
                close(fd)
                throw .failure("\(name) is being changed by another netns-jail (\(holder.isEmpty ? "unknown" : holder)) and it did not finish within \(Int(seconds)) seconds; try again when it has, or pass --wait SECONDS")
            }
            usleep(20_000)
        }
        let record = Array("PID \(getpid()), \(command)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, record, record.count, 0)
        return JailLock(fd: fd)
    }

    /// Takes the lock only if nobody holds it (the supervisor, which tries
    /// again on its next round rather than queue behind an administrator).
    public static func tryAcquire(_ name: String, command: String) -> JailLock? {
        try? acquire(name, command: command, wait: 0)
    }

    static func ensureStateDirectory() throws(JailError) {
        let dir = JailPaths.stateDirectory
        if mkdir(dir, 0o755) == 0 { chmod(dir, 0o755); return }
        var st = stat()
        guard errno == EEXIST, lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw .failure("\(dir) cannot be created or is not a directory; remove it")
        }
        if let refusal = RootOnly.refusal(owner: st.st_uid, mode: st.st_mode, path: dir) { throw .failure(refusal) }
    }
}

import Glibc
import JailKit

/// A relay step that failed: the call, what it was for, and errno's text,
/// e.g. `bind(127.0.0.1:8080): Address already in use`.
public struct RelayFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ call: String, _ code: Int32 = errno) { description = "\(call): \(String(cString: strerror(code)))" }
    init(message: String) { description = message }
}

/// The socket calls the relay makes, each over one sockaddr builder. Every
/// socket is nonblocking and close-on-exec from its creation.
enum RelaySocket {
    /// socket(2) in the calling thread's network namespace: the kernel ties
    /// a socket to the namespace of the thread that creates it, for life.
    static func make(_ family: IPAddress.Family) -> Int32 {
        socket(family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    static func withAddress<R>(_ endpoint: LoopbackEndpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        if endpoint.address.family == .ipv4 {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = endpoint.port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin_addr) { $0.copyBytes(from: endpoint.address.bytes) }
            return withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        var sa = sockaddr_in6()
        sa.sin6_family = sa_family_t(AF_INET6)
        sa.sin6_port = endpoint.port.bigEndian
        withUnsafeMutableBytes(of: &sa.sin6_addr) { $0.copyBytes(from: endpoint.address.bytes) }
        return withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
    }

    /// A listening TCP socket on `endpoint`, in this thread's namespace.
    static func listenTCP(_ endpoint: LoopbackEndpoint) throws(RelayFailure) -> Int32 {
        let fd = make(endpoint.address.family)
        guard fd >= 0 else { throw RelayFailure("socket(\(endpoint))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if endpoint.address.family == .ipv6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        guard withAddress(endpoint, { bind(fd, $0, $1) }) == 0 else {
            let code = errno
            close(fd)
            throw RelayFailure("bind(\(endpoint))", code)
        }
        guard listen(fd, 64) == 0 else { let code = errno; close(fd); throw RelayFailure("listen(\(endpoint))", code) }
        return fd
    }

    /// A listening Unix socket at `socket.path`, owned by `uid`:`gid` with
    /// the configured mode. The directory is root's own
    /// (/run/netns-jail/NAME, RelaySpec), so nobody can swap the path for a
    /// symlink between the calls; the umask keeps the socket closed to all
    /// but root until chown and chmod are done.
    static func listenUnix(_ socket: UnixSocketEndpoint, uid: uid_t, gid: gid_t) throws(RelayFailure) -> Int32 {
        let directory = String(socket.path[..<socket.path.lastIndex(of: "/")!])
        if mkdir(directory, 0o755) != 0 && errno != EEXIST { throw RelayFailure("mkdir(\(directory))") }
        var st = stat()
        guard lstat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == 0, st.st_mode & 0o022 == 0 else {
            throw RelayFailure(message: "\(directory) is not a directory that only root can write; remove it")
        }
        // A socket left by an earlier relay (one killed with its supervisor).
        if lstat(socket.path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFSOCK else { throw RelayFailure(message: "\(socket.path) exists and is not a socket; remove it") }
            unlink(socket.path)
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RelayFailure("socket(\(socket.path))") }
        var sa = sockaddr_un()
        sa.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &sa.sun_path) { $0.copyBytes(from: Array(socket.path.utf8)) }
        let old = umask(0o177)
        let bound = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        let code = errno
        umask(old)
        guard bound == 0 else { close(fd); throw RelayFailure("bind(\(socket.path))", code) }
        guard chown(socket.path, uid, gid) == 0, chmod(socket.path, mode_t(socket.mode)) == 0 else {
            let code = errno
            close(fd)
            unlink(socket.path)
            throw RelayFailure("setting the owner and mode of \(socket.path)", code)
        }
        guard listen(fd, 64) == 0 else { let code = errno; close(fd); throw RelayFailure("listen(\(socket.path))", code) }
        return fd
    }

    /// True when `fd` is a listening socket bound where `listener` says:
    /// a descriptor copied from another process is checked, not trusted.
    static func isListening(_ fd: Int32, as listener: RelaySpec.Listener) -> Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0, accepting == 1 else { return false }
        var bound = sockaddr_storage()
        var size = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        guard named == 0 else { return false }
        return withUnsafeBytes(of: &bound) { got in
            switch listener {
            case .tcp(let endpoint):
                return withAddress(endpoint) { want, wantSize in
                    wantSize == size && memcmp(got.baseAddress!, want, Int(wantSize)) == 0
                }
            case .unix(let socket):
                let path = Array(socket.path.utf8)
                let offset = MemoryLayout<sa_family_t>.size
                guard got.load(as: sa_family_t.self) == sa_family_t(AF_UNIX), Int(size) >= offset + path.count else { return false }
                return Array(got[offset..<(offset + path.count)]) == path && (Int(size) == offset + path.count || got[offset + path.count] == 0)
            }
        }
    }

    /// Starts a nonblocking connect; false when it failed at once.
    static func startConnect(_ fd: Int32, to endpoint: LoopbackEndpoint) -> Bool {
        withAddress(endpoint) { connect(fd, $0, $1) } == 0 || errno == EINPROGRESS
    }

    /// The result of a nonblocking connect, once poll says it is done.
    static func connectError(_ fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// Closes with a reset (SO_LINGER 0) rather than a FIN, so the peer of
    /// a connection whose other side failed or reset learns it at once
    /// instead of reading a clean end of data.
    static func reset(_ fd: Int32) {
        var lingering = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lingering, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }
}

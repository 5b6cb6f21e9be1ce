import Glibc
import NetnsPolicy

/// OpenVPN's management interface for one jail: netns-jail's own, and the
/// only one OpenVPN gets (a provider's `management` line is ignored,
/// OpenVPNDirective).
///
/// OpenVPN creates the Unix socket as root, before it drops to `nobody`,
/// in /run/netns-jail/openvpn, a directory root's and 0700: no other user
/// can even reach the socket, `nobody` (OpenVPN itself after the drop)
/// included. Behind that, `management-client-user root` makes OpenVPN
/// check each peer's credentials (SO_PEERCRED) and close any connection
/// that is not root's. Whoever holds the socket can steer OpenVPN (send it
/// signals, hold it), so it is never handed to anyone: netns-jail alone
/// connects, sends two fixed commands (`state`, `status`), reads at most
/// 64 KiB for at most two seconds, says `quit`, and parses what came back
/// strictly (OpenVPNLive); nothing of the reply is printed raw.
enum OpenVPNManagement {
    static let directory = "\(JailPaths.stateDirectory)/openvpn"

    static func socket(_ paths: JailPaths) -> String { "\(directory)/\(paths.name).sock" }

    /// The directory, made root's and 0700 if missing; one that is not
    /// (a directory only root could have made in root's /run/netns-jail)
    /// is refused rather than used.
    static func prepareDirectory() throws(JailError) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .failure("mkdir(\(directory)): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard lstat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == 0, st.st_mode & 0o077 == 0 else {
            throw .failure("\(directory) holds OpenVPN's management sockets and must be a directory of root's with mode 0700; as root run: rm -rf \(directory), then up again")
        }
    }

    /// What OpenVPN says of its connection now; a sentence when it cannot
    /// be asked (no socket, no answer in time, an answer that does not parse).
    static func query(_ paths: JailPaths, timeout: Double = 2) -> Result<OpenVPNLive, Problem> {
        let path = socket(paths)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .failure(Problem("\(path) is too long for a socket")) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(Problem("socket: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { return .failure(Problem("connect(\(path)): \(String(cString: strerror(errno)))")) }
        guard Descriptor.writeAll(fd, Array("state\nstatus\n".utf8)) else {
            return .failure(Problem("writing to \(path): \(String(cString: strerror(errno)))"))
        }
        // Both answers end in a line "END"; real-time lines (">...") may
        // come between them.
        var reply: [UInt8] = [], ends = 0
        let deadline = monotonicSeconds() + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ends < 2, reply.count < maximumReply, monotonicSeconds() < deadline {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            reply += buffer[0..<n]
            ends = OpenVPNLive.lines(reply).filter { $0 == "END" }.count
        }
        _ = Descriptor.writeAll(fd, Array("quit\n".utf8))
        guard ends >= 2 else { return .failure(Problem("OpenVPN did not answer on \(path) within \(Int(timeout)) seconds")) }
        guard let live = OpenVPNLive.parse(reply) else { return .failure(Problem("OpenVPN's answer on \(path) did not parse")) }
        return .success(live)
    }

    static let maximumReply = 65536

    struct Problem: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }
}

/// OpenVPN's own account of its connection, from the management
/// interface: the state (`state`: since when, the server's address and
/// port) and the bytes of its socket (`status`: "TCP/UDP read bytes"). The
/// reply comes from a process that talks to the network, so every field is
/// parsed: the state is one of OpenVPN's names, the server an IP address
/// and a port, the counters numbers.
public struct OpenVPNLive: Equatable, Sendable {
    public var state: String
    /// Seconds since the epoch when OpenVPN entered `state`.
    public var since: Int
    public var remote: IPAddress?
    public var remotePort: Int?
    /// Bytes OpenVPN's socket received from and sent to the server.
    public var received: Int?
    public var sent: Int?

    /// OpenVPN 2.6's client states (manage.c, management_set_state).
    static let states: Set<String> = [
        "CONNECTING", "WAIT", "AUTH", "AUTH_PENDING", "GET_CONFIG", "ASSIGN_IP", "ADD_ROUTES",
        "CONNECTED", "RECONNECTING", "EXITING", "RESOLVE", "TCP_CONNECT",
    ]

    static func lines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }

    /// The answers to `state` and `status`; nil when no state line parses.
    static func parse(_ bytes: [UInt8]) -> OpenVPNLive? {
        var live: OpenVPNLive?
        var received: Int?, sent: Int?
        for line in lines(bytes) where !line.hasPrefix(">") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if live == nil, fields.count >= 6, let since = WireGuardValue.integer(fields[0], in: 0...Int.max),
               states.contains(fields[1]) {
                var state = OpenVPNLive(state: fields[1], since: since)
                state.remote = IPAddress(fields[4])
                state.remotePort = WireGuardValue.integer(fields[5], in: 1...65535)
                if state.remote == nil || state.remotePort == nil { state.remote = nil; state.remotePort = nil }
                live = state
            } else if fields.count == 2, fields[0] == "TCP/UDP read bytes" {
                received = WireGuardValue.integer(fields[1], in: 0...Int.max)
            } else if fields.count == 2, fields[0] == "TCP/UDP write bytes" {
                sent = WireGuardValue.integer(fields[1], in: 0...Int.max)
            }
        }
        live?.received = received
        live?.sent = sent
        return live
    }

    init(state: String, since: Int) {
        self.state = state
        self.since = since
    }

    /// "192.0.2.1:1194", "[2001:db8::1]:443".
    public var server: String? {
        guard let remote, let remotePort else { return nil }
        return remote.family == .ipv6 ? "[\(remote)]:\(remotePort)" : "\(remote):\(remotePort)"
    }
}

/// When the server was last heard from: the supervisor asks OpenVPN each
/// round and, when its socket has received more bytes than the record
/// says, writes `/run/netns-jail/NAME.openvpn-contact` ("received BYTES"
/// and "at SECONDS"). OpenVPN's keepalive makes an idle server send a
/// ping every few seconds, so on a working tunnel the record stays young;
/// `status` shows its age as WireGuard's handshake age.
enum OpenVPNContact {
    static func file(_ paths: JailPaths) -> String { "\(JailPaths.stateDirectory)/\(paths.name).openvpn-contact" }

    static func read(_ paths: JailPaths) -> (received: Int, at: Int)? {
        let words = String(decoding: readSmallFile(file(paths), limit: 256), as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard words.count == 4, words[0] == "received", words[2] == "at",
              let received = WireGuardValue.integer(words[1], in: 0...Int.max),
              let at = WireGuardValue.integer(words[3], in: 0...Int.max) else { return nil }
        return (received, at)
    }

    /// One supervisor round.
    static func tick(_ paths: JailPaths, now: Int) {
        guard case .success(let live) = OpenVPNManagement.query(paths, timeout: 1), let received = live.received, received > 0 else { return }
        if let last = read(paths), last.received == received { return }
        try? ResolvConf.write("received \(received)\nat \(now)\n", to: file(paths), mode: 0o644)
    }
}

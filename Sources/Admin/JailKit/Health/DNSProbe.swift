import Glibc

/// One contact through a jail's tunnel: a DNS query sent from inside the
/// jail's network namespace to a resolver reached through the tunnel (the
/// jail's own, by default), and any reply to it.
///
/// Why DNS: every provider's config names a resolver on the far side of the
/// tunnel, which answers anything; a reply proves a full round trip through
/// the peer right now, where WireGuard's handshake age only proves one in
/// the last 180 seconds. The question asks for the root zone's name
/// servers, which says nothing about the jail or its programs.
///
/// The socket is opened in the jail's namespace by the calling thread,
/// which stays there (setns moves the calling thread only): call it on a
/// thread of its own (TunnelProber). It is connected to the resolver, so
/// the kernel hands us datagrams from that address and port only; a reply
/// must carry our random ID and the answer bit, and its content is not
/// read further, so the worst a forged reply from inside the jail can do
/// is make a dead tunnel look alive, which it could do by answering
/// anyway.
struct DNSProbe {
    enum Failure: Error, CustomStringConvertible {
        case system(call: String, errno: Int32)
        case noReply(seconds: Double)

        var description: String {
            switch self {
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            case .noReply(let seconds): "no reply within \(seconds) s"
            }
        }
    }

    let target: IPAddress
    let namespaceFile: String
    /// The whole probe, retransmission included, ends within this.
    let timeout: Double

    /// Sends the query (again after half the timeout) and waits for a reply.
    func run() throws(Failure) {
        let fd = try openSocket()
        defer { close(fd) }
        let id = UInt16.random(in: 0...UInt16.max)
        let query = DNSProbe.query(id: id)
        let deadline = monotonicSeconds() + timeout
        var resend = monotonicSeconds()
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let now = monotonicSeconds()
            if now >= deadline { throw .noReply(seconds: timeout) }
            if now >= resend {
                // ECONNREFUSED: an earlier try's ICMP error; no route: the
                // tunnel is being rebuilt. Both end in no reply.
                _ = query.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                resend = now + timeout / 2
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(1, (min(deadline, resend) - now) * 1000))
            if poll(&pfd, 1, wait) <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n >= 12 && DNSProbe.answers(Array(buffer[0..<n]), id: id) { return }
        }
    }

    private func openSocket() throws(Failure) -> Int32 {
        let ns = open(namespaceFile, O_RDONLY | O_CLOEXEC)
        guard ns >= 0 else { throw .system(call: "open(\(namespaceFile))", errno: errno) }
        defer { close(ns) }
        guard NATPMPClient.setns(ns, NATPMPClient.cloneNewNet) == 0 else { throw .system(call: "setns(\(namespaceFile))", errno: errno) }
        let family = target.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(call: "socket", errno: errno) }
        var storage = sockaddr_storage()
        let length: Int
        if target.family == .ipv4 {
            length = MemoryLayout<sockaddr_in>.size
            withUnsafeMutableBytes(of: &storage) { raw in
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(53).bigEndian
                withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: target.bytes) }
                raw.storeBytes(of: address, as: sockaddr_in.self)
            }
        } else {
            length = MemoryLayout<sockaddr_in6>.size
            withUnsafeMutableBytes(of: &storage) { raw in
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = UInt16(53).bigEndian
                withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: target.bytes) }
                raw.storeBytes(of: address, as: sockaddr_in6.self)
            }
        }
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(length)) }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw .system(call: "connect(\(target):53)", errno: code)
        }
        return fd
    }

    /// A standard query, recursion not asked, for the root zone's NS.
    static func query(id: UInt16) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xFF), 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
         0x00, 0x00, 0x02, 0x00, 0x01]
    }

    /// A reply to our query: same ID, the QR bit set. Any RCODE counts:
    /// a resolver that refuses still answered through the tunnel.
    static func answers(_ reply: [UInt8], id: UInt16) -> Bool {
        reply.count >= 12 && reply[0] == UInt8(id >> 8) && reply[1] == UInt8(id & 0xFF) && reply[2] & 0x80 != 0
    }
}

import Glibc

/// Talks NAT-PMP to the provider's gateway from inside a jail's network
/// namespace.
///
/// Why from inside: the gateway is only reachable through the tunnel, and
/// it maps ports for the address a request comes from, which must be the
/// jail's tunnel address. The supervisor is root in the host's namespace,
/// so it does not move there: the forwarder's own thread enters the jail's
/// namespace (setns changes the network namespace of the calling thread
/// only) and opens its socket there, and that thread never runs a program
/// or touches a file. The socket is connected to gateway:5351, so the
/// kernel hands us datagrams from that address and port only; anything
/// inside the jail could still forge one from there, so every reply is
/// parsed strictly (NATPMP.parse) and the worst a forged one can do is
/// announce a wrong port, which the hook then receives as a number.
public struct NATPMPClient {
    public enum Failure: Error, CustomStringConvertible {
        case system(call: String, errno: Int32)
        case noReply(tries: Int)
        case refused(NATPMP.ResultCode)
        /// The gateway kept granting a port other than the one asked for.
        case unsettled

        public var description: String {
            switch self {
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            case .noReply(let tries): "the gateway did not answer (\(tries) tries)"
            case .refused(let code): "the gateway refused: \(code)"
            case .unsettled: "the gateway gave different ports for the same request three times"
            }
        }
    }

    public let gateway: IPAddress
    /// Set when a reply showed that the gateway lost its mappings.
    public private(set) var gatewayRestarted = false
    private var epoch = NATPMPEpoch()
    private var socket: Int32 = -1

    /// RFC 6886 section 3.1: the first retransmission after 250 ms, each
    /// next one after twice the wait. Five tries (7.75 s) rather than the
    /// RFC's nine (64 s): the forwarder retries the whole exchange with its
    /// own backoff, and a renewal must finish well within a 60 s lease.
    static let firstWait = 250
    static let tries = 5

    public init(gateway: IPAddress) {
        precondition(gateway.family == .ipv4, "NAT-PMP is IPv4 only")
        self.gateway = gateway
    }

    /// Opens the socket in the namespace bound at `namespaceFile`. The
    /// calling thread stays in that namespace: call it on the forwarder's
    /// thread only.
    public mutating func open(namespaceFile: String) throws(Failure) {
        close()
        let ns = Glibc.open(namespaceFile, O_RDONLY | O_CLOEXEC)
        guard ns >= 0 else { throw .system(call: "open(\(namespaceFile))", errno: errno) }
        defer { Glibc.close(ns) }
        guard NATPMPClient.setns(ns, NATPMPClient.cloneNewNet) == 0 else { throw .system(call: "setns(\(namespaceFile))", errno: errno) }
        let fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = NATPMP.serverPort.bigEndian
        withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: gateway.bytes) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .system(call: "connect(\(gateway):\(NATPMP.serverPort))", errno: code)
        }
        socket = fd
    }

    /// setns(2) and CLONE_NEWNET, which Swift's Glibc module does not
    /// import (JailKit has no C target of its own; see Package.swift).
    /// glibc has exported setns since 2.14.
    static let cloneNewNet: Int32 = 0x4000_0000
    static let setns: @convention(c) (Int32, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else {
            preconditionFailure("glibc without setns")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    public mutating func close() {
        if socket >= 0 { Glibc.close(socket) }
        socket = -1
    }

    /// The gateway's public address.
    public mutating func publicAddress() throws(Failure) -> IPAddress? {
        switch try exchange(NATPMP.publicAddressRequest()) {
        case .publicAddress(_, let bytes): return IPAddress(bytes.map(String.init).joined(separator: "."))
        case .refused(_, let code): throw .refused(code)
        default: return nil
        }
    }

    /// One mapping request; the granted external port and lifetime.
    public mutating func map(_ transport: NATPMP.Transport, internalPort: UInt16, suggestedPort: UInt16,
                             lifetime: UInt32) throws(Failure) -> (port: UInt16, lifetime: UInt32) {
        let request = NATPMP.mapRequest(transport, internalPort: internalPort, suggestedPort: suggestedPort, lifetime: lifetime)
        switch try exchange(request) {
        case .mapping(_, _, _, let port, let granted): return (port, granted)
        case .refused(_, let code): throw .refused(code)
        default: throw .noReply(tries: NATPMPClient.tries)
        }
    }

    /// Asks the gateway to drop a mapping we no longer want (best effort:
    /// it expires by itself anyway).
    public mutating func delete(_ transport: NATPMP.Transport, internalPort: UInt16) {
        _ = try? exchange(NATPMP.mapRequest(transport, internalPort: internalPort, suggestedPort: 0, lifetime: 0))
    }

    /// UDP and TCP mapped on one port P, forwarded from the gateway's P to
    /// our P, so that the port a program listens on is the port peers
    /// reach. `want` is the port we hold (nil at first). The first request
    /// has ProtonVPN's documented form (internal port 1, any external
    /// port); a gateway that forwards to the internal port we name (such as
    /// miniupnpd) then grants P for port 1, so that mapping is deleted and
    /// P asked for P. A renewal that comes back with another port (the
    /// gateway restarted with other ports) is settled the same way.
    public mutating func mapBoth(want: UInt16?, lifetime: UInt32) throws(Failure) -> (port: UInt16, lifetime: UInt32) {
        var port = want ?? 1
        var suggested = want ?? 0
        for _ in 0..<3 {
            let udp = try map(.udp, internalPort: port, suggestedPort: suggested, lifetime: lifetime)
            if udp.port != port {
                abandon(port)
                port = udp.port; suggested = udp.port
                continue
            }
            let tcp = try map(.tcp, internalPort: port, suggestedPort: port, lifetime: lifetime)
            if tcp.port != port {
                abandon(port)
                port = tcp.port; suggested = tcp.port
                continue
            }
            return (port, min(udp.lifetime, tcp.lifetime))
        }
        throw .unsettled
    }

    /// Deletes both mappings of an internal port we no longer use, so the
    /// gateway does not go on forwarding its old external port to it.
    private mutating func abandon(_ port: UInt16) {
        for transport in NATPMP.Transport.allCases { delete(transport, internalPort: port) }
    }

    /// Sends `request` and waits for its reply, retransmitting on the RFC's
    /// schedule. Datagrams that are not a reply to it are dropped.
    mutating func exchange(_ request: [UInt8]) throws(Failure) -> NATPMP.Response {
        precondition(socket >= 0, "NATPMPClient.open first")
        var wait = NATPMPClient.firstWait
        var buffer = [UInt8](repeating: 0, count: 64)
        for _ in 0..<NATPMPClient.tries {
            let sent = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // ECONNREFUSED: the ICMP error of an earlier try; try again.
            if sent < 0 && errno != ECONNREFUSED && errno != EINTR { throw .system(call: "send", errno: errno) }
            let deadline = monotonicSeconds() + Double(wait) / 1000
            while true {
                let left = Int32(max(0, (deadline - monotonicSeconds()) * 1000))
                var pfd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, left)
                if ready < 0 && errno == EINTR { continue }
                if ready <= 0 { break }
                let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n < 0 { continue }
                guard let response = NATPMP.parse(Array(buffer[0..<n]), answering: request) else { continue }
                if epoch.observe(response.epoch, now: monotonicSeconds()) { gatewayRestarted = true }
                return response
            }
            wait *= 2
        }
        throw .noReply(tries: NATPMPClient.tries)
    }

    /// Reads and clears the restart flag.
    public mutating func takeGatewayRestart() -> Bool {
        defer { gatewayRestarted = false }
        return gatewayRestarted
    }
}

import Glibc

/// A peer's `Endpoint = host.example:51820` is resolved once, by `wg
/// setconf`, when the tunnel is built. Providers move such names to other
/// servers, so when handshakes stop the supervisor resolves the name again,
/// here in the host's namespace (the jail's own resolvers are only reachable
/// through the tunnel that is not working), and hands `wg` the address.
enum EndpointResolver {
    /// The host name and port of an endpoint that names a host; nil for an
    /// address literal (IPv4, or IPv6 in brackets), which never changes.
    static func hostName(in endpoint: String) -> (host: String, port: String)? {
        guard !endpoint.hasPrefix("["), let colon = endpoint.lastIndex(of: ":") else { return nil }
        let host = String(endpoint[..<colon]), port = String(endpoint[endpoint.index(after: colon)...])
        guard IPAddress(host) == nil else { return nil }
        return (host, port)
    }

    /// The first address the host's resolver gives, as `wg` takes it
    /// (`198.51.100.7:51820`, `[2001:db8::1]:51820`); nil when it fails.
    static func resolve(_ endpoint: String) -> String? {
        guard let (host, port) = hostName(in: endpoint) else { return nil }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &text, socklen_t(text.count),
                          nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return first.pointee.ai_family == AF_INET6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

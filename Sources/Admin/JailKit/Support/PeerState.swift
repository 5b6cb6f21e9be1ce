/// One WireGuard peer as `wg show IFACE dump` reports it.
public struct PeerState: Sendable, Codable, Equatable {
    public let publicKey: String
    public let endpoint: String?
    /// Unix time of the last handshake; nil when there has been none.
    public let latestHandshake: Int?
    public let rxBytes: Int
    public let txBytes: Int
    /// Seconds; nil when off. `up` sets 1 while it waits for the first
    /// handshake and puts the config's value back; a killed `up` left it.
    public let persistentKeepalive: Int?

    public init(publicKey: String, endpoint: String?, latestHandshake: Int?, rxBytes: Int, txBytes: Int,
                persistentKeepalive: Int? = nil) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.latestHandshake = latestHandshake
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.persistentKeepalive = persistentKeepalive
    }

    /// Parses the peer lines of `wg show IFACE dump` (the first line is the
    /// interface and holds the private key; it is skipped and never kept).
    public static func parseDump(_ text: String) -> [PeerState] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 8 else { return nil }
            let handshake = Int(f[4]) ?? 0
            return PeerState(publicKey: f[0], endpoint: f[2] == "(none)" ? nil : f[2],
                             latestHandshake: handshake > 0 ? handshake : nil,
                             rxBytes: Int(f[5]) ?? 0, txBytes: Int(f[6]) ?? 0,
                             persistentKeepalive: Int(f[7]).flatMap { $0 > 0 ? $0 : nil })
        }
    }
}

/// A WireGuard configuration in wg-quick syntax, split into what the kernel
/// (or wireguard-go) receives and what netns-jail applies itself.
///
/// wg-quick's own keys (`Table`, `SaveConfig`, the hooks) are dropped: the
/// jail builds routing itself, and running a hook as root from a VPN
/// provider's file is exactly what a jail is meant to avoid.
public struct WireGuardConfig: Equatable, Sendable {
    public struct Interface: Equatable, Sendable {
        public var privateKey: String = ""
        public var listenPort: Int?
        public var fwMark: String?
        public var addresses: [IPPrefix] = []
        public var dnsServers: [IPAddress] = []
        public var searchDomains: [String] = []
        public var mtu: Int?
    }

    public struct Peer: Equatable, Sendable {
        public var publicKey: String = ""
        public var presharedKey: String?
        public var allowedIPs: [IPPrefix] = []
        public var endpoint: String?
        public var persistentKeepalive: Int?
        /// Line of the `[Peer]` header, for messages.
        public var line: Int = 0
    }

    public var interface = Interface()
    public var peers: [Peer] = []
    /// Things the administrator should know but that do not stop `up`.
    public var warnings: [Diagnostic] = []

    /// The address families the tunnel carries, so `up` adds a default route
    /// for exactly those.
    public var families: [IPAddress.Family] {
        [.ipv4, .ipv6].filter { f in interface.addresses.contains { $0.address.family == f } }
    }

    /// The text `wg setconf` reads: only keys the kernel interface knows.
    /// It holds the private key, so it is only ever written to a pipe.
    public var setconfText: String {
        var out = "[Interface]\nPrivateKey = \(interface.privateKey)\n"
        if let port = interface.listenPort { out += "ListenPort = \(port)\n" }
        if let mark = interface.fwMark { out += "FwMark = \(mark)\n" }
        for peer in peers {
            out += "\n[Peer]\nPublicKey = \(peer.publicKey)\n"
            if let psk = peer.presharedKey { out += "PresharedKey = \(psk)\n" }
            if !peer.allowedIPs.isEmpty {
                out += "AllowedIPs = \(peer.allowedIPs.map(\.description).joined(separator: ", "))\n"
            }
            if let endpoint = peer.endpoint { out += "Endpoint = \(endpoint)\n" }
            if let keepalive = peer.persistentKeepalive { out += "PersistentKeepalive = \(keepalive)\n" }
        }
        return out
    }

    /// Parses wg-quick syntax. Every malformed line is reported as
    /// `file:line: message`; any error refuses the whole file.
    public static func parse(text: String, file: String) throws(ConfigFailure) -> WireGuardConfig {
        try parse(bytes: Array(text.utf8), file: file)
    }

    public static func parse(bytes: [UInt8], file: String) throws(ConfigFailure) -> WireGuardConfig {
        var parser = WireGuardParser(file: file)
        return try parser.parse(bytes)
    }
}

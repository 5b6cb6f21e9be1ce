@testable import JailKit

/// Keys with valid shape; they are never used to reach anything.
enum Fixture {
    static let privateKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
    static let publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
    static let presharedKey = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE="

    static let wireguard = """
        [Interface]
        PrivateKey = \(privateKey)
        Address = 10.2.0.2/32
        Address = fd00:2::2/128   # IPv6 on its own line
        DNS = 10.2.0.1, fd00:2::1,
        dns = 10.2.0.53, corp.example
        MTU = 1380
        Table = off
        PostUp = iptables -A OUTPUT -j DROP
        SaveConfig = true

        [Peer]
        PublicKey = \(publicKey)
        PresharedKey = \(presharedKey)
        AllowedIPs = 0.0.0.0/0,
        AllowedIPs = ::/0
        Endpoint = 198.51.100.7:51820
        PersistentKeepalive = 25
        """

    static func parse(_ text: String) throws(ConfigFailure) -> WireGuardConfig {
        try WireGuardConfig.parse(text: text, file: "/etc/wireguard/test.conf")
    }

    /// The messages of a failed parse, or [] if it parsed.
    static func errors(_ text: String) -> [String] {
        do { _ = try parse(text); return [] } catch { return error.diagnostics.map(\.description) }
    }

    /// A minimal valid config with `extra` lines added to [Interface].
    static func minimal(interface extra: String = "", peer peerExtra: String = "") -> String {
        """
        [Interface]
        PrivateKey = \(privateKey)
        Address = 10.2.0.2/32
        \(extra)
        [Peer]
        PublicKey = \(publicKey)
        \(peerExtra)
        """
    }
}

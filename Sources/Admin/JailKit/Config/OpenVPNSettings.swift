import NetnsPolicy

/// The keys of a jail section whose tunnel is OpenVPN:
///
///     openvpn = /etc/openvpn/provider.ovpn      # the provider's file, as handed out
///     openvpn-auth = /etc/openvpn/provider.auth # user name and password (auth-user-pass)
///     dns = 198.51.100.53, fd00::53             # only if the server pushes no DNS
///
/// The files are read by netns-jail, never by OpenVPN: the .ovpn through
/// OpenVPNConfig's allow-list, the credentials (root's, 0600) by
/// OpenVPNCredentials; OpenVPN reads only the file netns-jail writes.
public struct OpenVPNSettings: Equatable, Sendable {
    public var config: String
    public var auth: String?
    /// The jail's resolvers when the server pushes none; the pushed ones
    /// win when there are both.
    public var dns: [IPAddress] = []

    static let keys: Set<String> = ["openvpn", "openvpn-auth", "dns"]

    public init(config: String, auth: String? = nil, dns: [IPAddress] = []) {
        self.config = config
        self.auth = auth
        self.dns = dns
    }

    /// Applies one key; a message when its value is refused.
    mutating func apply(_ key: String, _ value: String) -> String? {
        switch key {
        case "openvpn", "openvpn-auth":
            guard value.hasPrefix("/"), !value.utf8.contains(where: isBlank) else {
                return "\(key) must be an absolute path such as \(key == "openvpn" ? "/etc/openvpn/provider.ovpn" : "/etc/openvpn/provider.auth")"
            }
            if key == "openvpn" { config = value } else { auth = value }
        default:
            let items = listItems(value)
            guard !items.isEmpty, items.count <= ResolvConfLimit.servers else { return "dns takes 1 to \(ResolvConfLimit.servers) addresses, comma-separated" }
            var servers: [IPAddress] = []
            for item in items {
                guard let address = IPAddress(item) else { return "dns \(Quoted.text(item)) is not an IPv4 or IPv6 address" }
                servers.append(address)
            }
            dns = servers
        }
        return nil
    }
}

/// glibc reads at most three nameserver lines (MAXNS).
enum ResolvConfLimit {
    static let servers = 3
}

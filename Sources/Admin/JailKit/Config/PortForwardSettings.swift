/// A jail's port forwarding, from its section of /etc/netns-jail.conf:
///
///     port-forward = natpmp                 # ask the provider's gateway (RFC 6886)
///     port-forward-gateway = 10.2.0.1       # default: the first IPv4 DNS server
///     port-forward-lifetime = 60            # seconds asked for; renewed at half
///     port-forward-hook = /usr/libexec/netns-jail/qbittorrent-port --url http://127.0.0.1:8080
///     port-forward-user = alice             # the hook runs as this user
///     port-forward-hook-timeout = 30        # seconds, then it is killed
///     port-forward-required = yes           # a pool's server that forwards
///                                           # no port counts as failed
///
/// The hook is an absolute path followed by words (split on blanks, no
/// shell); the port is appended as the last argument.
public struct PortForwardSettings: Equatable, Sendable, SectionSettings {
    public var gateway: IPAddress?
    public var lifetime: Int = PortForwardSettings.defaultLifetime
    public var hook: [String] = []
    public var hookUser: String?
    /// Seconds a hook may run before it is killed.
    public var hookTimeout: Int = 30
    /// In a pool, a server whose gateway maps no port counts as failed
    /// (ServerFailover), so the jail moves to one that forwards.
    public var required = false

    /// ProtonVPN grants 60 seconds whatever is asked.
    public static let defaultLifetime = 60
    static let keys = ["port-forward", "port-forward-gateway", "port-forward-lifetime", "port-forward-hook", "port-forward-user", "port-forward-hook-timeout", "port-forward-required"]

    public init() {}

    mutating func apply(_ key: String, _ value: String) throws(SettingProblem) {
        switch key {
        case "port-forward":
            guard value == "natpmp" else { throw SettingProblem("port-forward takes 'natpmp' (the only method there is)") }
        case "port-forward-gateway":
            guard let address = IPAddress(value), address.family == .ipv4 else {
                throw SettingProblem("port-forward-gateway must be an IPv4 address such as 10.2.0.1 (NAT-PMP is IPv4 only)")
            }
            gateway = address
        case "port-forward-lifetime":
            lifetime = try SettingValue.seconds(value, for: key, in: 4...86400)
        case "port-forward-hook":
            let words = value.utf8.split(whereSeparator: isBlank).map { string($0) }
            guard let path = words.first, path.hasPrefix("/"), !path.hasSuffix("/") else {
                throw SettingProblem("port-forward-hook must start with an absolute path such as /usr/libexec/netns-jail/qbittorrent-port")
            }
            hook = words
        case "port-forward-user":
            guard !value.isEmpty, value != "root", value != "0",
                  value.utf8.allSatisfy({ isPrintableASCII($0) && $0 != UInt8(ascii: ":") }) else {
                throw SettingProblem("port-forward-user must name an unprivileged user (the hook never runs as root)")
            }
            hookUser = value
        case "port-forward-hook-timeout":
            hookTimeout = try SettingValue.seconds(value, for: key, in: 1...3600)
        case "port-forward-required":
            required = try SettingValue.yesOrNo(value, for: key)
        default:
            preconditionFailure("not a port-forward key: \(key)")
        }
    }

    /// What the section as a whole must satisfy, checked when it closes.
    func problem(enabled: Bool, keysSeen: Bool) -> String? {
        if keysSeen && !enabled { return "port-forward-* keys need 'port-forward = natpmp' in the same section" }
        if !hook.isEmpty && hookUser == nil { return "port-forward-hook needs 'port-forward-user = NAME' (the hook never runs as root)" }
        if hook.isEmpty && hookUser != nil { return "port-forward-user is set but there is no port-forward-hook" }
        return nil
    }

    /// The gateway to ask: the configured one, else the tunnel's first IPv4
    /// DNS server (ProtonVPN's gateway, 10.2.0.1, is also its resolver).
    public func gateway(for config: WireGuardConfig) -> IPAddress? {
        gateway ?? config.interface.dnsServers.first { $0.family == .ipv4 }
    }
}

/// How a jail's tunnel is judged alive, from its section of
/// /etc/netns-jail.conf:
///
///     fail-after = 30          # seconds without a reply through the tunnel
///     probe = 10.2.0.1         # default: the WireGuard config's first DNS server
///
/// The supervisor sends a DNS query through the tunnel (DNSProbe) every
/// fail-after/5 seconds (1 to 10); when none has been answered for
/// fail-after seconds, `status` calls the jail unhealthy and the
/// supervisor acts (a pool switches servers). WireGuard's handshake age
/// cannot say this sooner than 180 seconds: a handshake stays fresh for
/// two minutes after the peer went silent.
public struct HealthSettings: Equatable, Sendable, SectionSettings {
    public var failAfter: Int = HealthSettings.defaultFailAfter
    /// Where probes go; nil: the tunnel's first DNS server.
    public var probe: IPAddress?

    public static let defaultFailAfter = 30
    static let keys = ["fail-after", "probe"]

    public init() {}

    mutating func apply(_ key: String, _ value: String) throws(SettingProblem) {
        switch key {
        case "fail-after":
            failAfter = try SettingValue.seconds(value, for: key, in: 3...3600)
        case "probe":
            guard let address = IPAddress(value) else {
                throw SettingProblem("probe must be the IP address of a DNS server reached through the tunnel, such as 10.2.0.1")
            }
            probe = address
        default:
            preconditionFailure("not a health key: \(key)")
        }
    }

    /// The probe's destination for this tunnel; nil when the config names
    /// no DNS server and no `probe` is set (health then rests on the
    /// handshake age alone, and `status` says so).
    public func target(for config: WireGuardConfig) -> IPAddress? {
        probe ?? config.interface.dnsServers.first
    }

    var probeInterval: Double { min(10, max(1, Double(failAfter) / 5)) }
    var probeTimeout: Double { min(3, max(1, probeInterval)) }
}

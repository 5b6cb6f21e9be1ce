/// How a jail with several servers (a pool: several `wireguard =` lines, or
/// one line naming several files) uses them, from its section of
/// /etc/netns-jail.conf:
///
///     wireguard = /etc/wireguard/ch1.conf /etc/wireguard/ch2.conf
///     wireguard = /etc/wireguard/se1.conf
///     server-choice = in-order      # at `up`: in-order or random
///     server-rotate = 3600          # optional; seconds on one server
///     port-forward-required = yes   # port-forward jails: a server that
///                                   # forwards no port counts as failed
///
/// A server fails when the tunnel probe (HealthSettings: fail-after) has
/// had no reply through it for fail-after seconds; the supervisor then
/// moves the jail to the next server that has not failed, in the same
/// namespace behind the same kill switch (ServerSwitch).
public struct PoolSettings: Equatable, Sendable, SectionSettings {
    public enum Choice: String, Sendable, Codable {
        /// The first server of the list that answers.
        case inOrder = "in-order"
        case random
    }

    public var choice: Choice = .inOrder
    /// Seconds on one server before moving to the next; nil: never.
    public var rotate: Int?

    static let keys = ["server-choice", "server-rotate"]

    public init() {}

    mutating func apply(_ key: String, _ value: String) throws(SettingProblem) {
        switch key {
        case "server-choice":
            guard let parsed = Choice(rawValue: value) else {
                throw SettingProblem("server-choice takes in-order or random")
            }
            choice = parsed
        case "server-rotate":
            rotate = try SettingValue.seconds(value, for: key, in: 10...604800, note: " (a week)")
        default:
            preconditionFailure("not a pool key: \(key)")
        }
    }
}

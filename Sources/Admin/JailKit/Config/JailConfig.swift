import NetnsPolicy

/// One jail from /etc/netns-jail.conf.
public struct JailDefinition: Equatable, Sendable {
    public let name: NamespaceName
    /// Absolute path of the wg-quick style WireGuard config in use (the
    /// first of `servers`, or the one the pool's record names:
    /// ServerPool.jails, PoolRecord); empty for a jail whose tunnel is
    /// OpenVPN (`openvpn`).
    public internal(set) var wireguard: String
    /// Every `wireguard =` file, in the order given; one for most jails,
    /// several for a pool (PoolSettings); empty for OpenVPN.
    public internal(set) var servers: [String]
    /// `server-choice`, `server-rotate`.
    public var pool = PoolSettings()
    /// `fail-after` and `probe`: the tunnel's active probe.
    public var health = HealthSettings()
    /// `openvpn = FILE` and its keys; nil for a WireGuard jail. A section
    /// names exactly one of `wireguard` and `openvpn`.
    public var openvpn: OpenVPNSettings?
    public let interface: InterfaceName
    /// Line of the `[NAME]` header, for messages.
    public let line: Int
    /// `handshake-age`: seconds without a handshake after which status and
    /// verify call the tunnel unhealthy (default 180, WireGuard's own
    /// REJECT_AFTER_TIME: a session older than that cannot carry data).
    public var handshakeAge: Int = JailDefinition.defaultHandshakeAge
    /// `port-forward = natpmp` and its keys; nil when off.
    public var portForward: PortForwardSettings?
    /// `publish` and `host-service` lines, in file order (RelaySpec).
    public var relays: [RelaySpec] = []

    public static let defaultHandshakeAge = 180

    public init(name: NamespaceName, wireguard: String, interface: InterfaceName, line: Int,
                handshakeAge: Int = defaultHandshakeAge, relays: [RelaySpec] = []) {
        self.name = name
        self.wireguard = wireguard
        self.servers = wireguard.isEmpty ? [] : [wireguard]
        self.interface = interface
        self.line = line
        self.handshakeAge = handshakeAge
        self.relays = relays
    }
}

/// /etc/netns-jail.conf:
///
///     [vpn_jail]
///     wireguard = /etc/wireguard/proton0.conf   # or: openvpn = /etc/openvpn/provider.ovpn
///                                               #     openvpn-auth = /etc/openvpn/provider.auth
///                                               #     dns = 198.51.100.53 (if the server pushes none)
///     interface = proton0        # optional; default: the config's base name
///     handshake-age = 180        # optional; seconds, see JailDefinition
///     fail-after = 30            # optional; see HealthSettings
///     port-forward = natpmp      # optional; see PortForwardSettings
///     publish = 127.0.0.1:8080   # optional, repeatable; see RelaySpec
///     host-service = 127.0.0.1:631
///
/// Section and key names follow the wg-quick conventions (keys are
/// case-insensitive, `#` comments). Every problem is reported as
/// `file:line: message` and any problem refuses the whole file.
public struct JailConfig: Equatable, Sendable {
    public let jails: [JailDefinition]

    public func jail(named name: String) -> JailDefinition? {
        jails.first { $0.name.value == name }
    }

    public static func parse(text: String, file: String) throws(ConfigFailure) -> JailConfig {
        try parse(bytes: Array(text.utf8), file: file)
    }

    public static func parse(bytes: [UInt8], file: String) throws(ConfigFailure) -> JailConfig {
        var errors: [Diagnostic] = []
        var jails: [JailDefinition] = []
        func fail(_ line: Int, _ message: String) { errors.append(Diagnostic(file: file, line: line, message: message)) }

        struct Pending { var name: NamespaceName?; var line: Int; var wireguard: String?; var interface: String?; var interfaceLine = 0; var handshakeAge: Int?
                       var openvpn = OpenVPNSettings(config: ""); var openvpnKeys: [String: Int] = [:]
                       var portForward = PortForwardSettings(); var portForwardOn = false; var portForwardKeys = false; var portForwardRefused = false
                       var seen: Set<String> = []; var relays: [RelaySpec] = []
                       var servers: [String] = []; var health = HealthSettings(); var pool = PoolSettings() }
        var pending: Pending?

        /// One key of a group (SectionSettings): once per section, its
        /// value read by the group. False when the line was refused.
        @discardableResult
        func readKey<Group: SectionSettings>(_ group: WritableKeyPath<Pending, Group>, _ key: String, _ value: String, line: Int) -> Bool {
            guard pending != nil else { return false }
            guard !pending!.seen.contains(key) else {
                fail(line, "\(key) appears twice in this section")
                return false
            }
            pending!.seen.insert(key)
            do { try pending![keyPath: group].apply(key, value) } catch {
                fail(line, error.message)
                return false
            }
            return true
        }

        func close() {
            guard let p = pending, let name = p.name else { return }
            let openvpn = p.openvpnKeys["openvpn"] != nil
            if let other = p.openvpnKeys.first(where: { $0.key != "openvpn" }), !openvpn {
                fail(other.value, "\(other.key) belongs to an OpenVPN jail; add 'openvpn = /path/to/provider.ovpn' or remove the line")
                return
            }
            if openvpn && p.wireguard != nil {
                fail(p.openvpnKeys["openvpn"]!, "[\(name)] names both wireguard and openvpn; a jail has one tunnel, so keep one of the lines")
                return
            }
            guard let path = p.wireguard ?? (openvpn ? p.openvpn.config : nil) else {
                fail(p.line, "[\(name)] has no 'wireguard = /path/to/wg.conf' or 'openvpn = /path/to/provider.ovpn' line")
                return
            }
            let interfaceText = p.interface ?? (openvpn ? "tun-\(name)".prefix(15).description : defaultInterface(forConfigAt: path))
            guard let interface = InterfaceName(interfaceText) else {
                if p.interface != nil {
                    fail(p.interfaceLine, "interface \(Quoted.text(interfaceText)) is not a valid interface name: 1 to 15 of letters, digits, '_', '.' and '-'")
                } else {
                    fail(p.line, "the default interface name \(Quoted.text(interfaceText)) (from the WireGuard file name) is not valid; set 'interface = NAME' with at most 15 of letters, digits, '_', '.' and '-'")
                }
                return
            }
            if let other = jails.first(where: { $0.interface == interface }) {
                fail(p.interface != nil ? p.interfaceLine : p.line, "interface \(interface) is already used by [\(other.name)] on line \(other.line)")
                return
            }
            // A refused port-forward line was reported already.
            if !p.portForwardRefused, let problem = p.portForward.problem(enabled: p.portForwardOn, keysSeen: p.portForwardKeys) {
                fail(p.line, "[\(name)]: \(problem)")
                return
            }
            if let conflict = RelaySpec.conflict(p.relays) {
                fail(p.line, "[\(name)]: \(conflict)")
                return
            }
            for relay in p.relays where relay.direction == .publish {
                if let other = jails.first(where: { $0.relays.contains { $0.direction == .publish && $0.listener == relay.listener } }) {
                    fail(p.line, "\(relay) of [\(name)] listens where [\(other.name)] on line \(other.line) publishes already")
                    return
                }
            }
            var jail = JailDefinition(name: name, wireguard: openvpn ? "" : path, interface: interface, line: p.line,
                                      handshakeAge: p.handshakeAge ?? JailDefinition.defaultHandshakeAge, relays: p.relays)
            jail.openvpn = openvpn ? p.openvpn : nil
            jail.portForward = p.portForwardOn ? p.portForward : nil
            jail.health = p.health
            if !openvpn { jail.servers = p.servers }
            jail.pool = p.pool
            jails.append(jail)
        }

        var names: [String: Int] = [:]
        for (number, raw) in ConfigLine.lines(bytes) {
            if errors.count >= 50 { fail(number, "too many errors; stopping here"); break }
            switch ConfigLine.lex(raw) {
            case .blank: continue
            case .malformed(let message): fail(number, message)
            case .section(let text):
                close()
                pending = Pending(name: nil, line: number)
                guard let name = NamespaceName(text) else {
                    fail(number, "[\(text)] is not a valid jail name: \(NamespaceName.rule)")
                    continue
                }
                if let first = names[name.value] {
                    fail(number, "jail [\(name)] is already defined on line \(first)")
                    continue
                }
                names[name.value] = number
                pending?.name = name
            case .assignment(let key, let value):
                guard pending != nil else {
                    fail(number, "\(key) is outside any section; start the jail with [NAME]")
                    continue
                }
                switch asciiLowercased(key) {
                case "wireguard":
                    // Several files, on one line or several: a pool.
                    let paths = value.utf8.split(whereSeparator: isBlank).map { string($0) }
                    guard !paths.isEmpty, paths.allSatisfy({ $0.hasPrefix("/") && !$0.hasSuffix("/") }) else {
                        fail(number, "wireguard must be an absolute path such as /etc/wireguard/proton0.conf")
                        continue
                    }
                    for path in paths {
                        if pending?.servers.contains(path) == true { fail(number, "\(path) is listed twice in this section") }
                        else { pending?.servers.append(path) }
                    }
                    if pending?.wireguard == nil { let first = pending?.servers.first; pending?.wireguard = first }
                case let lower where PoolSettings.keys.contains(lower):
                    readKey(\.pool, lower, value, line: number)
                case let lower where HealthSettings.keys.contains(lower):
                    readKey(\.health, lower, value, line: number)
                case let lower where OpenVPNSettings.keys.contains(lower):
                    if pending?.openvpnKeys[lower] != nil { fail(number, "\(lower) appears twice in this section"); continue }
                    pending?.openvpnKeys[lower] = number
                    if let message = pending?.openvpn.apply(lower, value) { fail(number, message) }
                case "interface":
                    if pending?.interface != nil { fail(number, "interface appears twice in this section"); continue }
                    pending?.interface = value
                    pending?.interfaceLine = number
                case "handshake-age":
                    if pending?.handshakeAge != nil { fail(number, "handshake-age appears twice in this section"); continue }
                    do { pending?.handshakeAge = try SettingValue.seconds(value, for: "handshake-age", in: 10...86400) } catch {
                        fail(number, error.message)
                    }
                case "publish", "host-service":
                    guard let name = pending?.name else { continue }
                    do {
                        pending?.relays.append(try RelaySpec.parse(asciiLowercased(key) == "publish" ? .publish : .hostService, value, jail: name))
                    } catch {
                        fail(number, error.message)
                    }
                case let lower where PortForwardSettings.keys.contains(lower):
                    guard readKey(\.portForward, lower, value, line: number) else {
                        pending?.portForwardRefused = true
                        continue
                    }
                    if lower == "port-forward" { pending?.portForwardOn = true } else { pending?.portForwardKeys = true }
                default:
                    fail(number, "unknown key \(key); a jail section takes 'wireguard' or 'openvpn' (with 'openvpn-auth' and 'dns'), 'interface', 'handshake-age', 'fail-after', 'probe', 'server-choice', 'server-rotate', 'publish', 'host-service' and the port-forward keys")
                }
            }
        }
        close()
        if !errors.isEmpty { throw ConfigFailure(errors) }
        return JailConfig(jails: jails)
    }

    /// wg-quick names the interface after the file: /etc/wireguard/proton0.conf -> proton0.
    static func defaultInterface(forConfigAt path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return base.hasSuffix(".conf") ? String(base.dropLast(5)) : base
    }
}

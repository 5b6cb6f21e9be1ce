import NetnsPolicy

/// What an OpenVPN server pushed, as the jail applies it: the tunnel's
/// addresses, the gateways (the NAT-PMP gateway is the IPv4 one), the
/// resolvers and search domains, the MTU.
///
/// OpenVPN (run with `ifconfig-noexec` and `route-noexec`) applies none of
/// it; it hands it to its `up` program as environment variables, and
/// netns-jail's hook (`netns-jail openvpn-up`) keeps only the variables
/// read here, each parsed strictly. The server is not trusted: a value that
/// does not parse is dropped with a reason, never passed to `ip` or written
/// into resolv.conf as text. Routes the server pushes are not read at all:
/// the jail's only route is its default route through the tunnel.
public struct OpenVPNPush: Equatable, Sendable {
    public var address4: IPPrefix?
    public var gateway4: IPAddress?
    public var address6: IPPrefix?
    public var gateway6: IPAddress?
    public var dnsServers: [IPAddress] = []
    public var searchDomains: [String] = []
    public var mtu: Int?
    /// The server OpenVPN is talking to (`trusted_ip`, `trusted_port`).
    public var server: String?
    /// What was dropped, one line each, for the log.
    public var dropped: [String] = []

    public static let maximumResolvers = 8
    public static let maximumDomains = 6

    /// The address families the tunnel carries; a jail routes exactly these.
    public var families: [IPAddress.Family] {
        (address4 == nil ? [] : [.ipv4]) + (address6 == nil ? [] : [.ipv6])
    }

    public init() {}

    /// From the variables OpenVPN gives its `up` program.
    public init(environment env: [String: String]) {
        if let local = env["ifconfig_local"] {
            if let address = IPAddress(local), address.family == .ipv4 {
                let length = env["ifconfig_netmask"].flatMap(Self.prefixLength) ?? 32
                address4 = IPPrefix("\(address)/\(length)")
            } else { dropped.append("ifconfig_local is not an IPv4 address") }
        }
        if let text = env["route_vpn_gateway"] ?? env["ifconfig_remote"] {
            if let gateway = IPAddress(text), gateway.family == .ipv4 { gateway4 = gateway } else { dropped.append("the IPv4 gateway is not an IPv4 address") }
        }
        if let local = env["ifconfig_ipv6_local"] {
            let bits = env["ifconfig_ipv6_netbits"].flatMap { WireGuardValue.integer($0, in: 0...128) } ?? 128
            if let address = IPAddress(local), address.family == .ipv6 { address6 = IPPrefix("\(address)/\(bits)") }
            else { dropped.append("ifconfig_ipv6_local is not an IPv6 address") }
        }
        if let text = env["ifconfig_ipv6_remote"] {
            if let gateway = IPAddress(text), gateway.family == .ipv6 { gateway6 = gateway } else { dropped.append("ifconfig_ipv6_remote is not an IPv6 address") }
        }
        if let text = env["tun_mtu"] { mtu = WireGuardValue.integer(text, in: 576...65535) }
        if let ip = env["trusted_ip"].flatMap(IPAddress.init), let port = env["trusted_port"].flatMap({ WireGuardValue.integer($0, in: 1...65535) }) {
            server = ip.family == .ipv6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        // foreign_option_1, _2, ... in order, as OpenVPN numbers them.
        var index = 1
        while index <= 256, let option = env["foreign_option_\(index)"] {
            foreign(option)
            index += 1
        }
    }

    /// `dhcp-option DNS|DNS6 ADDRESS` and `dhcp-option DOMAIN|DOMAIN-SEARCH NAME`.
    private mutating func foreign(_ option: String) {
        let words = option.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.first == "dhcp-option" else { return }
        guard words.count == 3 else { dropped.append("a pushed dhcp-option is not 'dhcp-option KIND VALUE'"); return }
        switch words[1] {
        case "DNS", "DNS6":
            guard let server = IPAddress(words[2]) else { dropped.append("a pushed DNS server is not an address"); return }
            guard dnsServers.count < Self.maximumResolvers else { dropped.append("more than \(Self.maximumResolvers) DNS servers"); return }
            if !dnsServers.contains(server) { dnsServers.append(server) }
        case "DOMAIN", "DOMAIN-SEARCH", "ADAPTER_DOMAIN_SUFFIX":
            guard WireGuardValue.isSearchDomain(words[2]) else { dropped.append("a pushed domain is not a DNS name"); return }
            guard searchDomains.count < Self.maximumDomains else { dropped.append("more than \(Self.maximumDomains) search domains"); return }
            if !searchDomains.contains(words[2]) { searchDomains.append(words[2]) }
        default:
            return
        }
    }

    /// 255.255.255.224 -> 27; nil for a mask that is not contiguous ones.
    static func prefixLength(_ mask: String) -> Int? {
        guard let address = IPAddress(mask), address.family == .ipv4 else { return nil }
        let value = address.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let ones = (~value).leadingZeroBitCount
        let contiguous: UInt32 = ones == 0 ? 0 : UInt32.max << (32 - ones)
        return value == contiguous ? ones : nil
    }

    // MARK: the record

    /// The record the hook writes (/run/netns-jail/NAME.openvpn-push) and
    /// `up`, `status` and the supervisor read: one `key value` per line,
    /// only values that parsed.
    public var record: String {
        var out = ""
        if let address4 { out += "address4 \(address4)\n" }
        if let gateway4 { out += "gateway4 \(gateway4)\n" }
        if let address6 { out += "address6 \(address6)\n" }
        if let gateway6 { out += "gateway6 \(gateway6)\n" }
        for server in dnsServers { out += "dns \(server)\n" }
        for domain in searchDomains { out += "domain \(domain)\n" }
        if let mtu { out += "mtu \(mtu)\n" }
        if let server { out += "server \(server)\n" }
        return out
    }

    /// Reads a record back; nil when any line is not one `record` writes.
    public init?(record text: String) {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2 else { return nil }
            let value = words[1]
            switch words[0] {
            case "address4": guard let p = IPPrefix(value), p.address.family == .ipv4 else { return nil }; address4 = p
            case "gateway4": guard let a = IPAddress(value), a.family == .ipv4 else { return nil }; gateway4 = a
            case "address6": guard let p = IPPrefix(value), p.address.family == .ipv6 else { return nil }; address6 = p
            case "gateway6": guard let a = IPAddress(value), a.family == .ipv6 else { return nil }; gateway6 = a
            case "dns": guard let a = IPAddress(value), dnsServers.count < Self.maximumResolvers else { return nil }; dnsServers.append(a)
            case "domain": guard WireGuardValue.isSearchDomain(value), searchDomains.count < Self.maximumDomains else { return nil }; searchDomains.append(value)
            case "mtu": guard let m = WireGuardValue.integer(value, in: 576...65535) else { return nil }; mtu = m
            case "server": guard OpenVPNToken.isPlain(value), value.utf8.count <= 64 else { return nil }; server = value
            default: return nil
            }
        }
    }
}

extension OpenVPNPush {
    /// What the hook recorded; nil when there is no record or it is not one.
    static func recorded(_ paths: JailPaths) -> OpenVPNPush? {
        let bytes = readSmallFile(paths.openvpnPushFile, limit: 4096)
        guard !bytes.isEmpty else { return nil }
        return OpenVPNPush(record: String(decoding: bytes, as: UTF8.self))
    }

    /// How the parts that read a WireGuardConfig (resolv.conf, `verify`,
    /// `status`, the supervisor) see an OpenVPN jail: what the server
    /// pushed (the record, else before the first push only the section's
    /// `dns`), in that shape, with no peer.
    static func view(_ jail: JailDefinition, push recorded: OpenVPNPush? = nil) -> WireGuardConfig {
        let paths = JailPaths(name: jail.name, interface: jail.interface)
        var view = WireGuardConfig()
        if let push = recorded ?? OpenVPNPush.recorded(paths) {
            view.interface.addresses = [push.address4, push.address6].compactMap { $0 }
            view.interface.mtu = push.mtu
            view.interface.dnsServers = push.dnsServers
            view.interface.searchDomains = push.searchDomains
        }
        if view.interface.dnsServers.isEmpty { view.interface.dnsServers = jail.openvpn?.dns ?? [] }
        return view
    }
}

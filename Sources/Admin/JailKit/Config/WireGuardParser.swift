import NetnsPolicy

/// Reads wg-quick syntax into a `WireGuardConfig`, collecting every problem.
///
/// Semantics follow wg-quick(8): section and key names are case-insensitive,
/// `#` starts a comment, `Address`, `DNS` and `AllowedIPs` are comma lists
/// that may repeat on several lines, a `DNS` entry that is not an address is
/// a search domain. Unlike wg-quick, a key that may appear only once is an
/// error the second time, because a silently ignored duplicate in a VPN
/// config usually means a copy-paste mistake.
struct WireGuardParser {
    private enum Section { case none, interface, peer }

    /// wg-quick's own keys: stripped, and the hooks are never run.
    static let wgQuickOnly: Set<String> = ["table", "saveconfig", "preup", "postup", "predown", "postdown"]
    static let maximumErrors = 50

    let file: String
    private var errors: [Diagnostic] = []
    private var config = WireGuardConfig()
    private var section = Section.none
    private var interfaceLine: Int?
    private var seen: Set<String> = []
    private var privateKeyLine = 0

    init(file: String) { self.file = file }

    mutating func parse(_ bytes: [UInt8]) throws(ConfigFailure) -> WireGuardConfig {
        var skippedHooks: [String] = []
        for (number, raw) in ConfigLine.lines(bytes) {
            if errors.count >= Self.maximumErrors {
                fail(number, "too many errors; stopping here")
                break
            }
            switch ConfigLine.lex(raw) {
            case .blank: continue
            case .malformed(let message): fail(number, message)
            case .section(let name): openSection(name, line: number)
            case .assignment(let key, let value):
                let lower = asciiLowercased(key)
                if Self.wgQuickOnly.contains(lower) {
                    if section == .none { fail(number, "\(key) must be inside [Interface]") }
                    else if lower != "table" && lower != "saveconfig" { skippedHooks.append(key) }
                    continue
                }
                switch section {
                case .none: fail(number, "\(key) is outside any section; put it under [Interface] or [Peer]")
                case .interface: interfaceKey(lower, key, value, line: number)
                case .peer: peerKey(lower, key, value, line: number)
                }
            }
        }
        finish(lineCount: max(1, ConfigLine.lines(bytes).count))
        if !errors.isEmpty { throw ConfigFailure(errors) }
        if !skippedHooks.isEmpty {
            config.warnings.append(Diagnostic(file: file, line: interfaceLine ?? 1,
                message: "ignoring \(Set(skippedHooks).sorted().joined(separator: ", ")): netns-jail never runs wg-quick hooks"))
        }
        return config
    }

    private mutating func openSection(_ name: String, line: Int) {
        seen = []
        switch asciiLowercased(name) {
        case "interface":
            if let first = interfaceLine {
                fail(line, "a second [Interface] section; merge it into the one on line \(first)")
            } else {
                interfaceLine = line
            }
            section = .interface
        case "peer":
            var peer = WireGuardConfig.Peer()
            peer.line = line
            config.peers.append(peer)
            section = .peer
        default:
            fail(line, "unknown section [\(name)]; only [Interface] and [Peer] exist")
            section = .none
        }
    }

    /// Keys that may appear once per section; list keys may repeat.
    private mutating func once(_ lower: String, _ key: String, line: Int) -> Bool {
        if seen.contains(lower) { fail(line, "\(key) appears twice in this section"); return false }
        seen.insert(lower)
        return true
    }

    /// The value of a key that may appear once in a section, when
    /// `problem` finds nothing wrong with it; otherwise nil, and the
    /// repetition or the problem is reported (`PublicKey: ...`).
    private mutating func single(_ lower: String, _ key: String, as name: String, _ value: String, line: Int,
                                 _ problem: (String) -> String?) -> String? {
        guard once(lower, key, line: line) else { return nil }
        guard let problem = problem(value) else { return value }
        fail(line, "\(name): \(problem)")
        return nil
    }

    private mutating func interfaceKey(_ lower: String, _ key: String, _ value: String, line: Int) {
        switch lower {
        case "privatekey":
            guard once(lower, key, line: line) else { return }
            if let problem = WireGuardValue.key(value) { fail(line, "PrivateKey: \(problem)") }
            else { config.interface.privateKey = value }
            privateKeyLine = line
        case "listenport":
            guard once(lower, key, line: line) else { return }
            if let port = WireGuardValue.integer(value, in: 0...65535) { config.interface.listenPort = port }
            else { fail(line, "ListenPort must be a number from 0 to 65535") }
        case "fwmark":
            guard once(lower, key, line: line) else { return }
            if let mark = WireGuardValue.fwMark(value) { config.interface.fwMark = mark }
            else { fail(line, "FwMark must be 'off', a number, or 0x followed by up to 8 hex digits") }
        case "mtu":
            guard once(lower, key, line: line) else { return }
            if let mtu = WireGuardValue.integer(value, in: 576...65535) { config.interface.mtu = mtu }
            else { fail(line, "MTU must be a number from 576 to 65535") }
        case "address":
            for item in listItems(value) {
                if let prefix = IPPrefix(item) { config.interface.addresses.append(prefix) }
                else { fail(line, "Address \(Quoted.text(item)) is not an IPv4 or IPv6 address with an optional /prefix (at most /32 or /128)") }
            }
        case "dns":
            for item in listItems(value) {
                if let address = IPAddress(item) { config.interface.dnsServers.append(address) }
                else if WireGuardValue.isSearchDomain(item) { config.interface.searchDomains.append(item) }
                else { fail(line, "DNS \(Quoted.text(item)) is neither an IP address nor a search domain") }
            }
        default:
            fail(line, "unknown key \(key) in [Interface]")
        }
    }

    private mutating func peerKey(_ lower: String, _ key: String, _ value: String, line: Int) {
        let index = config.peers.count - 1
        switch lower {
        case "publickey":
            if let valid = single(lower, key, as: "PublicKey", value, line: line, WireGuardValue.key) { config.peers[index].publicKey = valid }
        case "presharedkey":
            if let valid = single(lower, key, as: "PresharedKey", value, line: line, WireGuardValue.key) { config.peers[index].presharedKey = valid }
        case "allowedips":
            for item in listItems(value) {
                if let prefix = IPPrefix(item) { config.peers[index].allowedIPs.append(prefix) }
                else { fail(line, "AllowedIPs \(Quoted.text(item)) is not an address/prefix such as 0.0.0.0/0 or ::/0") }
            }
        case "endpoint":
            if let valid = single(lower, key, as: "Endpoint", value, line: line, WireGuardValue.endpoint) { config.peers[index].endpoint = valid }
        case "persistentkeepalive":
            guard once(lower, key, line: line) else { return }
            if asciiLowercased(value) == "off" { return }
            if let seconds = WireGuardValue.integer(value, in: 0...65535) {
                if seconds > 0 { config.peers[index].persistentKeepalive = seconds }
            } else { fail(line, "PersistentKeepalive must be 'off' or a number of seconds up to 65535") }
        default:
            fail(line, "unknown key \(key) in [Peer]")
        }
    }

    /// Checks that need the whole file: required keys and cross-references.
    private mutating func finish(lineCount: Int) {
        guard let interfaceLine else {
            fail(lineCount, "no [Interface] section; a WireGuard config needs one with a PrivateKey")
            return
        }
        if config.interface.privateKey.isEmpty && privateKeyLine == 0 {
            fail(interfaceLine, "[Interface] has no PrivateKey")
        }
        if config.interface.addresses.isEmpty {
            fail(interfaceLine, "[Interface] has no Address; the tunnel needs at least one")
        }
        if let mtu = config.interface.mtu, mtu < 1280, config.families.contains(.ipv6) {
            fail(interfaceLine, "MTU \(mtu) is below 1280, the minimum for IPv6 addresses")
        }
        if config.peers.isEmpty {
            fail(lineCount, "no [Peer] section; the tunnel needs a peer to reach")
        }
        var keys: [String: Int] = [:]
        for peer in config.peers {
            if peer.publicKey.isEmpty {
                if !errors.contains(where: { ($0.line ?? 0) > peer.line && $0.message.hasPrefix("PublicKey") }) {
                    fail(peer.line, "[Peer] has no PublicKey")
                }
            } else if let first = keys[peer.publicKey] {
                fail(peer.line, "this [Peer] has the same PublicKey as the one on line \(first)")
            } else {
                keys[peer.publicKey] = peer.line
            }
        }
    }

    private mutating func fail(_ line: Int, _ message: String) {
        errors.append(Diagnostic(file: file, line: line, message: message))
    }
}

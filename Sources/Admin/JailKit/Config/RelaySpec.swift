import NetnsPolicy

/// An address and port on a loopback interface (the host's or a jail's).
public struct LoopbackEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let port: UInt16

    public var description: String {
        address.family == .ipv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }

    /// 127.0.0.0/8 or ::1: a relay never listens on, or connects to, an
    /// address another machine could reach.
    static func isLoopback(_ address: IPAddress) -> Bool {
        address.family == .ipv4 ? address.bytes[0] == 127 : address.bytes == [UInt8](repeating: 0, count: 15) + [1]
    }
}

/// A filesystem Unix socket a `publish` line listens on, in the jail's own
/// root-owned directory /run/netns-jail/NAME/, with the owner and mode the
/// administrator gave: on a machine with several users, only that user (or
/// group) can reach the jailed program, where a 127.0.0.1 port is open to
/// every local user.
public struct UnixSocketEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let path: String
    /// A user name or a numeric UID, looked up when the relay starts.
    public let owner: String
    /// `group=`: a group name or GID whose members the group bits of `mode`
    /// admit. Without it the socket's group is root's and `mode` may give
    /// the group nothing: the owner's primary group would be `users` on
    /// Slackware, every user's, and a "group" mode would open the socket to
    /// all of them.
    public var group: String? = nil
    public let mode: UInt32

    public var description: String {
        "unix:\(path) (owner \(owner)\(group.map { ", group \($0)" } ?? ""), mode \(octal(mode)))"
    }
}

/// One relay of a jail, from a `publish` or `host-service` line.
///
///     publish = 127.0.0.1:8080            host 127.0.0.1:8080 -> jail 127.0.0.1:8080
///     publish = 127.0.0.1:18080:8080      host 127.0.0.1:18080 -> jail 127.0.0.1:8080
///     publish = [::1]:8080
///     publish = unix:/run/netns-jail/NAME/webui.sock:8080 owner=alice group=vpnweb mode=0660
///     host-service = 127.0.0.1:631        jail 127.0.0.1:631 -> host 127.0.0.1:631
///     host-service = 127.0.0.1:3128 allow-leak   (a proxy: refused without it)
public struct RelaySpec: Hashable, Sendable, CustomStringConvertible {
    public enum Direction: String, Sendable { case publish, hostService = "host-service" }
    public enum Listener: Hashable, Sendable {
        case tcp(LoopbackEndpoint)
        case unix(UnixSocketEndpoint)
    }

    public let direction: Direction
    /// Where the relay listens: the host's loopback or a Unix socket for
    /// `publish`, the jail's loopback for `host-service`.
    public let listener: Listener
    /// Where each accepted connection goes: the jail's loopback for
    /// `publish`, the host's for `host-service`.
    public let target: LoopbackEndpoint

    /// The form `status` prints and the relay records in its state file.
    public var description: String {
        switch (direction, listener) {
        case (.publish, .tcp(let on)): return "publish \(on) -> jail \(target)"
        case (.publish, .unix(let on)): return "publish \(on) -> jail \(target)"
        case (.hostService, .tcp(let on)): return "host-service jail \(on) -> host \(target)"
        case (.hostService, .unix): preconditionFailure("host-service listens on the jail's loopback only")
        }
    }

    /// The part of a description that says where the relay listens
    /// ("publish 127.0.0.1:18080", "host-service jail 127.0.0.1:631"): two
    /// lines with the same one can share a listening socket (RelayHandover).
    public static func listenerPart(of description: String) -> Substring {
        guard let arrow = description.firstRange(of: " -> ") else { return Substring(description) }
        return description[..<arrow.lowerBound]
    }

    /// Ports where a listed host service would carry the jail's traffic
    /// or lookups out past the tunnel: DNS, DNS over TLS, SOCKS, Tor and
    /// common HTTP proxies (Squid, Privoxy, Polipo, tinyproxy).
    public static let leakPorts: [UInt16: String] = [
        53: "DNS", 853: "DNS over TLS", 1080: "SOCKS", 3128: "Squid", 8118: "Privoxy",
        8123: "Polipo", 8888: "tinyproxy", 9040: "Tor", 9050: "Tor SOCKS", 9150: "Tor Browser SOCKS",
    ]

    /// A whole relay per jail fits in one process's descriptors
    /// (RelayLimits); more lines than this is not a torrent box.
    public static let maximumPerJail = 16

    public struct Invalid: Error, Sendable { public let message: String }

    public static func parse(_ direction: Direction, _ value: String, jail: NamespaceName) throws(Invalid) -> RelaySpec {
        let words = value.utf8.split(whereSeparator: isBlank).map { string($0) }
        guard let first = words.first else { throw Invalid(message: example(direction)) }
        var options: [String: String] = [:], flags: Set<String> = []
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { options[parts[0]] = parts[1] } else { flags.insert(word) }
        }
        if first.hasPrefix("unix:") {
            guard direction == .publish else {
                throw Invalid(message: "host-service listens on the jail's loopback: give an address such as 127.0.0.1:631")
            }
            return try unixForm(String(first.dropFirst(5)), options: options, flags: flags, jail: jail)
        }
        let (listen, targetPort) = try tcpForm(first, direction)
        var allowed: Set<String> = []
        if direction == .hostService {
            allowed = ["allow-leak"]
            if let service = leakPorts[targetPort], !flags.contains("allow-leak") {
                throw Invalid(message: "host-service port \(targetPort) is a \(service) port: every jailed program could send its traffic or lookups through it, past the tunnel; if that is what you want, add 'allow-leak' to the line (SECURITY.md)")
            }
        }
        if let extra = flags.subtracting(allowed).first ?? options.keys.first {
            throw Invalid(message: "unexpected \(Quoted.text(extra)) after the address; \(example(direction))")
        }
        return RelaySpec(direction: direction, listener: .tcp(listen),
                         target: LoopbackEndpoint(address: listen.address, port: targetPort))
    }

    /// ADDRESS:PORT or ADDRESS:PORT:PORT, ADDRESS 127.x.y.z or [::1].
    private static func tcpForm(_ text: String, _ direction: Direction) throws(Invalid) -> (LoopbackEndpoint, UInt16) {
        let addressText: String, rest: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw Invalid(message: example(direction)) }
            addressText = String(text[text.index(after: text.startIndex)..<close])
            rest = text[text.index(after: close)...]
        } else {
            guard let colon = text.firstIndex(of: ":") else { throw Invalid(message: example(direction)) }
            addressText = String(text[..<colon])
            rest = text[colon...]
        }
        guard rest.hasPrefix(":") else { throw Invalid(message: example(direction)) }
        let ports = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard ports.count == 1 || ports.count == 2 else { throw Invalid(message: example(direction)) }
        guard let address = IPAddress(addressText) else {
            throw Invalid(message: "\(Quoted.text(addressText)) is not an IP address; \(example(direction))")
        }
        guard LoopbackEndpoint.isLoopback(address) else {
            throw Invalid(message: "\(address) is not a loopback address: a relay listens on and connects to 127.0.0.1 (or another 127.x address) or [::1] only, so nothing outside this machine can reach the jail through it")
        }
        let listenPort = try port(String(ports[0]))
        let targetPort = ports.count == 2 ? try port(String(ports[1])) : listenPort
        return (LoopbackEndpoint(address: address, port: listenPort), targetPort)
    }

    /// PATH:PORT owner=USER [group=GROUP] [mode=0600], PATH directly in /run/netns-jail/NAME/.
    private static func unixForm(_ text: String, options: [String: String], flags: Set<String>, jail: NamespaceName) throws(Invalid) -> RelaySpec {
        let directory = "\(JailPaths.stateDirectory)/\(jail)/"
        guard let colon = text.lastIndex(of: ":") else { throw Invalid(message: example(.publish)) }
        let path = String(text[..<colon]), file = path.dropFirst(directory.count)
        // The relay creates and removes the socket as root, so it lives in
        // a directory only root can write: no symlink or rename race.
        guard path.hasPrefix(directory), !file.isEmpty, !file.hasPrefix("."),
              file.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else {
            throw Invalid(message: "a published Unix socket is a file directly in \(directory) (letters, digits, '.', '_', '-'), for example \(directory)webui.sock")
        }
        // netns-jail's own file there (JailPaths.liveResolvConf) and the
        // temporary it is written through.
        guard !file.hasPrefix("resolv.conf") else {
            throw Invalid(message: "\(directory)resolv.conf is the jail's resolvers, which netns-jail writes there; give the socket another name such as \(directory)webui.sock")
        }
        guard path.utf8.count < 108 else { throw Invalid(message: "\(path) is too long for a Unix socket (at most 107 bytes)") }
        let target = try port(String(text[text.index(after: colon)...]))
        guard let owner = options["owner"], !owner.isEmpty,
              owner.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else {
            throw Invalid(message: "a published Unix socket needs owner=USER (a user name or UID): the user who may connect")
        }
        let group = options["group"]
        if let group {
            guard !group.isEmpty, group.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else {
                throw Invalid(message: "group= takes a group name or GID: the group whose members may connect")
            }
        }
        var mode: UInt32 = 0o600
        if let text = options["mode"] {
            guard let value = UInt32(text, radix: 8), text.utf8.count <= 4, value & ~0o777 == 0, value & 0o200 != 0 else {
                throw Invalid(message: "mode must be octal permissions such as 0600 or 0660 that let the owner write (connect)")
            }
            mode = value
        }
        // The owner's primary group is no group to give access to: on
        // Slackware it is `users`, everyone's. Group bits need a named group.
        if group == nil && mode & 0o070 != 0 {
            throw Invalid(message: "mode=\(octal(mode)) gives a group access, so name it: add group=GROUP (the group whose members may connect), or use mode=0600")
        }
        if let extra = flags.first ?? options.keys.first(where: { $0 != "owner" && $0 != "group" && $0 != "mode" }) {
            throw Invalid(message: "unexpected \(Quoted.text(extra)); \(example(.publish))")
        }
        return RelaySpec(direction: .publish, listener: .unix(UnixSocketEndpoint(path: path, owner: owner, group: group, mode: mode)),
                         target: LoopbackEndpoint(address: IPAddress("127.0.0.1")!, port: target))
    }

    private static func port(_ text: String) throws(Invalid) -> UInt16 {
        guard text.utf8.count <= 5, text.utf8.allSatisfy(isDigit), let value = UInt16(text), value > 0 else {
            throw Invalid(message: "\(Quoted.text(text)) is not a port number from 1 to 65535")
        }
        return value
    }

    private static func example(_ direction: Direction) -> String {
        switch direction {
        case .publish: return "publish takes ADDRESS:PORT[:JAILPORT] such as 127.0.0.1:8080, or unix:/run/netns-jail/NAME/FILE.sock:JAILPORT owner=USER [group=GROUP] [mode=0600]"
        case .hostService: return "host-service takes ADDRESS:PORT[:HOSTPORT] such as 127.0.0.1:631"
        }
    }

    /// Relays of one jail that cannot work together: two listening on the
    /// same place, or a `publish` and a `host-service` that feed each other
    /// (a connection would loop through the relay until the limit).
    public static func conflict(_ relays: [RelaySpec]) -> String? {
        guard relays.count <= maximumPerJail else { return "at most \(maximumPerJail) publish and host-service lines per jail" }
        for (i, a) in relays.enumerated() {
            for b in relays[..<i] {
                if a.direction == b.direction && a.listener == b.listener { return "\(a) listens where \(b) does" }
                let (p, h) = a.direction == .publish ? (a, b) : (b, a)
                guard p.direction == .publish, h.direction == .hostService, case .tcp(let inJail) = h.listener else { continue }
                if p.target == inJail || p.listener == .tcp(h.target) { return "\(p) and \(h) would relay into each other" }
            }
        }
        return nil
    }
}

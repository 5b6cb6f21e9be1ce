import NetnsPolicy

/// What `status` shows of an OpenVPN jail's connection, as it shows a
/// WireGuard peer's endpoint, handshake and transfer: OpenVPN's state and
/// since when, the server in use (address, port and protocol), what the
/// server pushed (addresses, gateway, DNS), when the server was last heard
/// from (OpenVPNContact, kept by the supervisor) and the bytes of
/// OpenVPN's socket. OpenVPN is asked over its management socket
/// (OpenVPNManagement); when it cannot be asked, `state` is nil and
/// `unknown` says why.
public struct OpenVPNStatus: Sendable, Codable, Equatable {
    public let state: String?
    public let stateSince: Int?
    public let server: String?
    public let proto: String?
    public let pushedAddresses: [String]
    public let pushedGateway: String?
    public let pushedDNS: [String]
    /// Seconds since the epoch when the server was last heard from; nil
    /// without a supervisor (nothing keeps the record) or before the first.
    public let lastContact: Int?
    public let rxBytes: Int?
    public let txBytes: Int?
    public let unknown: String?

    init(paths: JailPaths, jail: JailDefinition) {
        let live: OpenVPNLive?
        switch OpenVPNManagement.query(paths) {
        case .success(let answer): live = answer; unknown = nil
        case .failure(let problem): live = nil; unknown = problem.message
        }
        state = live?.state
        stateSince = live?.since
        server = live?.server
        proto = live.flatMap { Self.proto(jail: jail, live: $0) }
        let push = OpenVPNPush.recorded(paths)
        pushedAddresses = [push?.address4, push?.address6].compactMap { $0?.description }
        pushedGateway = push?.gateway4?.description
        pushedDNS = push?.dnsServers.map(\.description) ?? []
        lastContact = OpenVPNContact.read(paths)?.at
        rxBytes = live?.received
        txBytes = live?.sent
    }

    /// The protocol of the remote in use: the `.ovpn`'s line for that
    /// address and port, else the one protocol all its remotes share.
    static func proto(jail: JailDefinition, live: OpenVPNLive) -> String? {
        guard let path = jail.openvpn?.config, let file = try? ConfigFile.read(path),
              let config = try? OpenVPNConfig.parse(bytes: file.bytes, file: path) else { return nil }
        let defaultPort = config.options.first { $0.first == "port" || $0.first == "rport" }.flatMap { Int($0[1]) } ?? 1194
        let family: (String) -> String = { $0.hasPrefix("tcp") ? "tcp" : "udp" }
        if let remote = live.remote, let port = live.remotePort,
           let line = config.remotes.first(where: { IPAddress($0.host) == remote && ($0.port ?? defaultPort) == port }) {
            return family(line.proto ?? config.proto ?? "udp")
        }
        return config.protocols.count == 1 ? config.protocols.first : nil
    }

    /// Not CONNECTED, or nothing heard from the server for longer than
    /// `limit` seconds (the jail's handshake-age): the tunnel carries
    /// nothing, and `status` says so.
    func problems(now: Int, limit: Int) -> [String] {
        var found: [String] = []
        if let state, state != "CONNECTED" {
            found.append("OpenVPN is \(state) since \(max(0, now - (stateSince ?? now))) seconds, not connected to the server")
        }
        if let lastContact, now - lastContact > limit {
            found.append("nothing heard from the OpenVPN server for \(now - lastContact) seconds (handshake-age \(limit))")
        }
        return found
    }

    func text(now: Int) -> String {
        var out = "  openvpn:     "
        if let state {
            out += "\(state.lowercased()) for \(max(0, now - (stateSince ?? now))) seconds"
            if let server { out += " to \(server)\(proto.map { " (\($0))" } ?? "")" }
        } else {
            out += "state unknown (\(unknown ?? "no answer"))"
        }
        out += "\n    pushed:    \(pushedAddresses.isEmpty ? "no address" : pushedAddresses.joined(separator: ", "))"
        if let pushedGateway { out += ", gateway \(pushedGateway)" }
        out += pushedDNS.isEmpty ? ", no DNS" : ", DNS \(pushedDNS.joined(separator: ", "))"
        out += "\n    contact:   \(lastContact.map { "\(max(0, now - $0)) seconds ago" } ?? "unknown (kept by the supervisor)")"
        if let rxBytes, let txBytes { out += "\n    transfer:  \(rxBytes) B received, \(txBytes) B sent" }
        return out + "\n"
    }
}

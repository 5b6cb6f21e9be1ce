import Foundation

/// One WireGuard peer as `wg show IFACE dump` reports it.
public struct PeerState: Sendable, Codable, Equatable {
    public let publicKey: String
    public let endpoint: String?
    /// Unix time of the last handshake; nil when there has been none.
    public let latestHandshake: Int?
    public let rxBytes: Int
    public let txBytes: Int
    /// Seconds; nil when off. `up` sets 1 while it waits for the first
    /// handshake and puts the config's value back; a killed `up` left it.
    public let persistentKeepalive: Int?

    public init(publicKey: String, endpoint: String?, latestHandshake: Int?, rxBytes: Int, txBytes: Int,
                persistentKeepalive: Int? = nil) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.latestHandshake = latestHandshake
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.persistentKeepalive = persistentKeepalive
    }

    /// Parses the peer lines of `wg show IFACE dump` (the first line is the
    /// interface and holds the private key; it is skipped and never kept).
    public static func parseDump(_ text: String) -> [PeerState] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 8 else { return nil }
            let handshake = Int(f[4]) ?? 0
            return PeerState(publicKey: f[0], endpoint: f[2] == "(none)" ? nil : f[2],
                             latestHandshake: handshake > 0 ? handshake : nil,
                             rxBytes: Int(f[5]) ?? 0, txBytes: Int(f[6]) ?? 0,
                             persistentKeepalive: Int(f[7]).flatMap { $0 > 0 ? $0 : nil })
        }
    }
}

/// What is live in a jail right now, gathered with `ip`, `nft` and `wg`
/// from inside its namespace. `status` prints it; `verify` judges it.
public struct JailInspection: Sendable {
    public struct Link: Sendable, Equatable {
        public let name: String
        public let isUp: Bool
    }

    public let paths: JailPaths
    public let namespaceExists: Bool
    public let links: [Link]
    public let tunnelAddresses: [String]
    /// Output devices of the default routes, per family.
    public let defaultRoutes4: [String]
    public let defaultRoutes6: [String]
    public let liveRuleset: String?
    public let peers: [PeerState]
    public let resolvConf: String?
    /// What netns-exec would refuse in /etc/netns/NAME (EtcNetnsRules).
    public let etcProblems: [String]
    /// Whether an interface with the tunnel's name is in *our* namespace:
    /// made by an `up` that was killed before it moved it into the jail.
    /// Only looked for when the jail has no tunnel.
    public let tunnelInHostNamespace: Bool
    public let processes: [JailedProcess]
    public let wireguardGoPID: Int32?
    public let pidFileExists: Bool

    public var tunnel: Link? { links.first { $0.name == paths.interface.value } }

    public static func inspect(_ paths: JailPaths) -> JailInspection {
        let name = paths.name.value, iface = paths.interface.value
        let exists = FileManager.default.fileExists(atPath: paths.namespaceFile)
            && ExternalTool.ip.run(["-n", name, "link", "show", "dev", "lo"]).succeeded
        var links: [Link] = [], addresses: [String] = [], routes4: [String] = [], routes6: [String] = []
        var ruleset: String?, peers: [PeerState] = []
        if exists {
            links = jsonArray(ExternalTool.ip.run(["-n", name, "-j", "link", "show"])).compactMap { entry in
                guard let n = entry["ifname"] as? String else { return nil }
                let flags = entry["flags"] as? [String] ?? []
                return Link(name: n, isUp: flags.contains("UP"))
            }
            addresses = jsonArray(ExternalTool.ip.run(["-n", name, "-j", "address", "show", "dev", iface])).flatMap { entry in
                (entry["addr_info"] as? [[String: Any]] ?? []).compactMap { info -> String? in
                    guard let local = info["local"] as? String, let length = info["prefixlen"] as? Int,
                          (info["scope"] as? String) != "link" else { return nil }
                    return "\(local)/\(length)"
                }
            }
            routes4 = defaultRouteDevices(name, family: "-4")
            routes6 = defaultRouteDevices(name, family: "-6")
            let nft = ExternalTool.ip.run(["netns", "exec", name, ExternalTool.nft.path ?? "nft", "list", "ruleset"])
            ruleset = nft.succeeded ? nft.output : nil
            if links.contains(where: { $0.name == iface }) {
                let dump = ExternalTool.ip.run(["netns", "exec", name, ExternalTool.wg.path ?? "wg", "show", iface, "dump"])
                if dump.succeeded { peers = PeerState.parseDump(dump.output) }
            }
        }
        let resolv = try? String(contentsOfFile: paths.resolvConf, encoding: .utf8)
        return JailInspection(
            paths: paths, namespaceExists: exists, links: links, tunnelAddresses: addresses,
            defaultRoutes4: routes4, defaultRoutes6: routes6, liveRuleset: ruleset, peers: peers,
            resolvConf: resolv, etcProblems: EtcNetnsRules.problems(directory: paths.etcDirectory),
            tunnelInHostNamespace: links.contains { $0.name == iface } ? false : WireGuardDevice.exists(paths.interface),
            processes: exists ? ProcessesInside.scan(namespaceFile: paths.namespaceFile) : [],
            wireguardGoPID: WireGuardDevice.recordedProcess(paths),
            pidFileExists: FileManager.default.fileExists(atPath: paths.pidFile))
    }

    private static func defaultRouteDevices(_ name: String, family: String) -> [String] {
        jsonArray(ExternalTool.ip.run(["-n", name, family, "-j", "route", "show", "default"]))
            .compactMap { $0["dev"] as? String }
    }

    private static func jsonArray(_ result: ToolResult) -> [[String: Any]] {
        guard result.succeeded, let data = result.output.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return array
    }
}

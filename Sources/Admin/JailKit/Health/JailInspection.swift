import FoundationEssentials
import Glibc

/// What is live in a jail right now, gathered with `ip`, `nft` and `wg`
/// from inside its namespace. `status` prints it; `verify` judges it.
public struct JailInspection: Sendable {
    public struct Link: Sendable, Equatable {
        public let name: String
        public let isUp: Bool
        public var mtu: Int? = nil
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
    /// The live copy running programs read (JailPaths.liveResolvConf).
    public var liveResolvConf: String?
    /// What netns-exec would refuse in /etc/netns/NAME (EtcNetnsRules).
    public let etcProblems: [String]
    /// Whether an interface with the tunnel's name is in *our* namespace:
    /// made by an `up` that was killed before it moved it into the jail.
    public let tunnelInHostNamespace: Bool
    public let processes: [JailedProcess]
    public let wireguardGoPID: Int32?
    public let pidFileExists: Bool

    public var tunnel: Link? { links.first { $0.name == paths.interface.value } }

    /// The tunnel part's slice (JailTunnel).
    var tunnelLive: TunnelLive {
        TunnelLive(present: tunnel != nil, mtu: tunnel?.mtu, addresses: tunnelAddresses, peers: peers,
                   processPID: wireguardGoPID, recordExists: pidFileExists)
    }

    /// The tools run at the same time (ExternalTool.runAll): one after
    /// another they were most of `status`'s time.
    public static func inspect(_ paths: JailPaths) -> JailInspection {
        let name = paths.name.value, iface = paths.interface.value
        let fileExists = FileManager.default.fileExists(atPath: paths.namespaceFile)
        let inside: [(tool: ExternalTool, arguments: [String])] = fileExists ? [
            (.ip, ExternalTool.ip.insideArguments(name, ["-j", "address", "show"])),
            (.ip, ExternalTool.ip.insideArguments(name, ["-4", "-j", "route", "show", "default"])),
            (.ip, ExternalTool.ip.insideArguments(name, ["-6", "-j", "route", "show", "default"])),
            (.ip, ExternalTool.nft.insideArguments(name, ["list", "ruleset"])),
            (.ip, ExternalTool.wg.insideArguments(name, ["show", iface, "dump"])),
        ] : []
        let results = ExternalTool.runAll(inside + [(.ip, ["link", "show", "dev", iface])])
        let exists = fileExists && results[0].succeeded
        var links: [Link] = [], addresses: [String] = [], routes4: [String] = [], routes6: [String] = []
        var ruleset: String?, peers: [PeerState] = []
        if exists {
            let entries = decode([IPJSON.Interface].self, results[0]) ?? []
            links = entries.compactMap { entry in
                guard let n = entry.ifname else { return nil }
                return Link(name: n, isUp: (entry.flags ?? []).contains("UP"), mtu: entry.mtu)
            }
            addresses = entries.filter { $0.ifname == iface }.flatMap { entry in
                (entry.addr_info ?? []).compactMap { info -> String? in
                    guard let local = info.local, let length = info.prefixlen, info.scope != "link" else { return nil }
                    return "\(local)/\(length)"
                }
            }
            routes4 = (decode([IPJSON.Route].self, results[1]) ?? []).compactMap(\.dev)
            routes6 = (decode([IPJSON.Route].self, results[2]) ?? []).compactMap(\.dev)
            ruleset = results[3].succeeded ? results[3].output : nil
            if links.contains(where: { $0.name == iface }), results[4].succeeded {
                peers = PeerState.parseDump(results[4].output)
            }
        }
        let resolv = try? String(contentsOfFile: paths.resolvConf, encoding: .utf8)
        let live = try? String(contentsOfFile: paths.liveResolvConf, encoding: .utf8)
        return JailInspection(
            paths: paths, namespaceExists: exists, links: links, tunnelAddresses: addresses,
            defaultRoutes4: routes4, defaultRoutes6: routes6, liveRuleset: ruleset, peers: peers,
            resolvConf: resolv, liveResolvConf: live, etcProblems: EtcNetnsRules.problems(directory: paths.etcDirectory),
            tunnelInHostNamespace: results.last!.succeeded,
            processes: exists ? ProcessesInside.scan(namespaceFile: paths.namespaceFile) : [],
            wireguardGoPID: WireGuardDevice.recordedProcess(paths),
            pidFileExists: FileManager.default.fileExists(atPath: paths.pidFile))
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ result: ToolResult) -> T? {
        guard result.succeeded else { return nil }
        return try? JSONDecoder().decode(type, from: Data(escapingControls(result.output)))
    }

    /// `ip -j` writes control bytes in names raw, which JSON forbids: an
    /// interface named with an ESC made the whole listing undecodable, and
    /// the jail looked empty. Names cannot hold white space, so every
    /// other byte below 0x20 is inside a string and becomes `\u00XX`.
    static func escapingControls(_ text: String) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            if b < 0x20 && b != 0x0A && b != 0x0D && b != 0x09 {
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            } else {
                out.append(b)
            }
        }
        return out
    }
}

/// The fields of `ip -j` output that inspect reads; every other field is
/// ignored, and a missing one is nil.
private enum IPJSON {
    struct Interface: Decodable {
        let ifname: String?
        let flags: [String]?
        let mtu: Int?
        let addr_info: [Address]?
    }
    struct Address: Decodable {
        let local: String?
        let prefixlen: Int?
        let scope: String?
    }
    struct Route: Decodable {
        let dev: String?
    }
}

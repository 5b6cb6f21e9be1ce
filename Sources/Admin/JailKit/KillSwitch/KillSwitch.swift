import NetnsPolicy

/// The jail's nftables ruleset: everything is dropped except traffic on `lo`
/// and on the tunnel.
///
/// It is loaded as one `nft -f -` transaction into the empty namespace
/// *before* any interface other than `lo` exists there, so there is no
/// moment at which the jail has a route and no filter. The tunnel is matched
/// by name (`oifname`), not index, precisely because it does not exist yet
/// when the rules are loaded; nothing inside the jail can rename an interface
/// without CAP_NET_ADMIN there.
///
/// The text is written exactly as `nft list ruleset` prints it, so `verify`
/// compares the live ruleset byte for byte: any added table, chain, rule or
/// changed policy is a breach.
public struct KillSwitch: Equatable, Sendable {
    public static let table = "netns_jail"
    public let tunnel: InterfaceName

    public init(tunnel: InterfaceName) { self.tunnel = tunnel }

    public var ruleset: String {
        """
        table inet \(KillSwitch.table) {
        \tchain input {
        \t\ttype filter hook input priority filter; policy drop;
        \t\tiif "lo" accept
        \t\tiifname "\(tunnel)" accept
        \t}

        \tchain forward {
        \t\ttype filter hook forward priority filter; policy drop;
        \t}

        \tchain output {
        \t\ttype filter hook output priority filter; policy drop;
        \t\toif "lo" accept
        \t\toifname "\(tunnel)" accept
        \t}
        }

        """
    }

    public enum Comparison: Equatable, Sendable { case intact, missing, altered }

    /// Compares the output of `nft list ruleset` in the jail with the ruleset.
    /// Only trailing blanks at line ends and at the end are forgiven.
    public func compare(liveRuleset live: String) -> Comparison {
        func normalize(_ s: String) -> [String] {
            var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                String(line.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            }
            while lines.last == "" { lines.removeLast() }
            return lines
        }
        let wanted = normalize(ruleset), actual = normalize(live)
        if wanted == actual { return .intact }
        if !actual.contains(where: { $0.hasPrefix("table inet \(KillSwitch.table) {") }) { return .missing }
        return .altered
    }

    /// Step 3 of `up`, in the namespace before any interface but `lo` is
    /// there. One transaction: when an altered ruleset is replaced
    /// (`fresh` false: the namespace was there, with whatever ruleset it
    /// has), there is no moment without a filter. Nothing to remove: it
    /// goes with the namespace.
    func install(in namespace: String, live: String?, fresh: Bool) throws(JailError) {
        guard compare(liveRuleset: live ?? "") != .intact else { return }
        guard ExternalTool.nft.path != nil else { throw .failure("nft is not installed; install nftables") }
        try ExternalTool.nft.runInside(namespace, ["-f", "-"], input: (fresh ? "" : "flush ruleset\n") + ruleset)
            .check("installing the kill switch in \(namespace)")
    }
}

import NetnsPolicy

/// Whether the kernel takes the kill switch: the exact ruleset `up` loads
/// (KillSwitch), loaded the same way (`nft -f -` in the namespace), so a
/// kernel missing any nf_tables piece it uses fails here rather than
/// halfway through `up`.
enum NftablesCheck {
    static let subject = "nftables"

    static func run(in namespace: ProbeNamespace) -> SystemCheck {
        guard ExternalTool.nft.path != nil else {
            return SystemCheck(.fail, subject, "nft not found in \(ExternalTool.directories.joined(separator: ":")); install nftables")
        }
        let ruleset = KillSwitch(tunnel: InterfaceName(WireGuardCheck.probeInterface)!).ruleset
        let loaded = ExternalTool.nft.runInside(namespace.name, ["-f", "-"], input: ruleset)
        if loaded.succeeded {
            return SystemCheck(.ok, subject, "the kernel accepts the kill switch ruleset")
        }
        return SystemCheck(.fail, subject, "the kernel refused the kill switch ruleset (\(loaded.reason)); enable nf_tables (modprobe nf_tables, or CONFIG_NF_TABLES and CONFIG_NF_TABLES_INET)")
    }
}

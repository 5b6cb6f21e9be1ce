import Glibc

/// A network namespace that exists only while `netns-jail doctor` probes in
/// it: the WireGuard, nftables and /etc overlay probes change nothing the
/// host or a jail can see. `ip netns exec` into it also gives each probe a
/// private mount namespace (iproute2 unshares one and makes `/` a recursive
/// slave), so mounts made there die with the probe.
struct ProbeNamespace {
    let name: String

    /// The PID makes the name unique among concurrent doctors; the prefix
    /// is one no jail is likely to use.
    static func create() throws(JailError) -> ProbeNamespace {
        let name = "nxdoctor-\(getpid())"
        try ExternalTool.ip.run(["netns", "add", name]).check("creating the probe namespace \(name)")
        return ProbeNamespace(name: name)
    }

    func remove() {
        _ = ExternalTool.ip.run(["netns", "del", name])
    }

    /// `ip netns exec NAME ARGS...`: for the /etc overlay probe's shell
    /// script, which is no ExternalTool; the tools netns-jail drives run
    /// in it with ExternalTool.runInside, as in a jail.
    func exec(_ arguments: [String], input: String? = nil) -> ToolResult {
        ExternalTool.ip.run(ExternalTool.netnsExec(name, arguments), input: input)
    }
}

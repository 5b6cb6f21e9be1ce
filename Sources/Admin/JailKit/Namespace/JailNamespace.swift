import Glibc

/// The jail's network namespace: /run/netns/NAME, made by `ip netns add`,
/// holding only `lo` until the kill switch and the tunnel are put in.
/// Deleting it also removes the kill switch and every route in it; the
/// programs still inside keep a namespace with nothing but `lo`.
struct JailNamespace {
    let paths: JailPaths

    private var name: String { paths.name.value }

    /// Step 2 of `up`. `rollback` is nil when the namespace existed before
    /// this run: programs may run in it, so a failed `up` never removes it.
    func install(rollback: Rollback?) throws(JailError) {
        guard let rollback else { return }
        let ip = ExternalTool.ip
        try ip.run(["netns", "add", name]).check("creating namespace \(name)")
        rollback.register("delete namespace \(name)") { [name] in _ = ip.run(["netns", "del", name]) }
    }

    /// Lists the processes inside; with `kill`, ends them (SIGTERM, then
    /// SIGKILL after 5 seconds). Returns those still running.
    func endProcesses(kill: Bool) -> [JailedProcess] {
        let inside = ProcessesInside.scan(namespaceFile: paths.namespaceFile)
        for process in inside { Console.note("still inside \(name): PID \(process.pid) \(process.command)") }
        guard kill && !inside.isEmpty else { return inside }
        Console.note("ending \(inside.count) process(es) in \(name) (SIGTERM, then SIGKILL after 5 seconds)")
        let survivors = Set(ProcessesInside.terminate(inside.map(\.pid)))
        return inside.filter { survivors.contains($0.pid) }
    }

    /// `down`, after the tunnel: the kill switch goes with the namespace.
    func remove() throws(JailError) {
        try ExternalTool.ip.run(["netns", "del", name]).check("deleting namespace \(paths.name)")
    }

    /// `up --force`: the old namespace goes (its links first, so a
    /// wireguard-go of an earlier interface name sees its device vanish,
    /// then the tunnel's process: `stopTunnel`) so that a new one can be
    /// built from scratch. `programs`: how many stay in it.
    func removeForRebuild(links: [String], programs: Int, stopTunnel: (JailPaths) -> Void) throws(JailError) {
        for link in links where link != "lo" {
            _ = ExternalTool.ip.runInside(name, ["link", "del", "dev", link])
        }
        stopTunnel(paths)
        try ExternalTool.ip.run(["netns", "del", name]).check("deleting the old namespace \(name)")
        Console.note("removed the old namespace \(name) to rebuild it\(programs == 0 ? "" : "; \(programs) program(s) stay in it without network")")
    }
}

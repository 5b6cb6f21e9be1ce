import FoundationEssentials
import Glibc

/// `netns-jail down`: idempotent removal of everything `up` built, in the
/// reverse order of `up` (JailBuilder): supervisor, tunnel, namespace, and
/// resolv.conf last, once no launch can find the namespace any more.
///
/// Processes still inside are listed. Without --kill they are left running
/// in a namespace that, once the tunnel is gone, holds only `lo` and the
/// kill switch: they lose the network, they do not leak.
public struct JailTeardown {
    public let jail: JailDefinition
    public var killProcesses = false

    public init(jail: JailDefinition) { self.jail = jail }

    public enum Outcome: Sendable { case alreadyDown, removed(remaining: [JailedProcess]) }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// The caller holds the jail's lock (JailLock).
    public func down() throws(JailError) -> Outcome {
        let fm = FileManager.default
        // First, so it does not rebuild what is being removed.
        SupervisorProcess.stop(paths)
        let namespaceExists = fm.fileExists(atPath: paths.namespaceFile)
        let wgPID = WireGuardDevice.recordedProcess(paths)
        if !namespaceExists && wgPID == nil && !fm.fileExists(atPath: paths.resolvConf) && !fm.fileExists(atPath: paths.pidFile) {
            return .alreadyDown
        }
        var remaining: [JailedProcess] = []
        if namespaceExists {
            remaining = endProcessesInside()
            try removeTunnelFromJail()
        }
        try stopWireGuardGo(wgPID)
        if namespaceExists {
            try ExternalTool.ip.run(["netns", "del", jail.name.value]).check("deleting namespace \(jail.name)")
        } else {
            try removeStaleKernelTunnel()
        }
        try removeResolvConf()
        return .removed(remaining: remaining)
    }

    /// Lists them; with --kill, ends them. Returns those still running.
    private func endProcessesInside() -> [JailedProcess] {
        let name = jail.name.value
        let inside = ProcessesInside.scan(namespaceFile: paths.namespaceFile)
        for process in inside { Console.note("still inside \(name): PID \(process.pid) \(process.command)") }
        guard killProcesses && !inside.isEmpty else { return inside }
        Console.note("ending \(inside.count) process(es) in \(name) (SIGTERM, then SIGKILL after 5 seconds)")
        let survivors = Set(ProcessesInside.terminate(inside.map(\.pid)))
        return inside.filter { survivors.contains($0.pid) }
    }

    /// The tunnel first: from here on, whatever is left inside has no way out.
    private func removeTunnelFromJail() throws(JailError) {
        let name = jail.name.value, iface = jail.interface.value
        let del = ExternalTool.ip.run(["-n", name, "link", "del", "dev", iface])
        if !del.succeeded && ExternalTool.ip.run(["-n", name, "link", "show", "dev", iface]).succeeded {
            throw .failure("removing \(iface) from \(name): \(del.reason)")
        }
    }

    private func stopWireGuardGo(_ pid: Int32?) throws(JailError) {
        if let pid {
            let left = ProcessesInside.terminate([pid], grace: 3)
            if !left.isEmpty { throw .failure("wireguard-go (PID \(pid)) did not exit after SIGKILL") }
        }
        unlink(paths.pidFile)
        unlink(paths.logFile)
    }

    /// A kernel WireGuard interface an `up` killed before the move left
    /// here; only when the jail's own namespace is gone and it is
    /// WireGuard, so nothing else of that name is touched.
    private func removeStaleKernelTunnel() throws(JailError) {
        let iface = jail.interface.value
        guard WireGuardDevice.exists(jail.interface),
              ExternalTool.ip.run(["-d", "link", "show", "dev", iface]).output.contains("wireguard") else { return }
        try ExternalTool.ip.run(["link", "del", "dev", iface]).check("removing the stale \(iface)")
    }

    /// Last: the namespace file is gone, so no launch can find the jail
    /// without its resolv.conf. Other files an administrator put in
    /// /etc/netns/NAME stay.
    private func removeResolvConf() throws(JailError) {
        if unlink(paths.resolvConf) != 0 && errno != ENOENT {
            throw .failure("removing \(paths.resolvConf): \(String(cString: strerror(errno)))")
        }
        if rmdir(paths.etcDirectory) != 0 && errno == ENOTEMPTY {
            Console.note("kept \(paths.etcDirectory): it holds files netns-jail did not write")
        }
    }
}

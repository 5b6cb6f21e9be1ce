import Foundation

/// `netns-jail down`: idempotent removal of everything `up` built.
///
/// Processes still inside are listed. Without --kill they are left running
/// in a namespace that, once the tunnel is gone, holds only `lo` and the
/// kill switch: they lose the network, they do not leak.
public struct JailTeardown {
    public let jail: JailDefinition
    public var killProcesses = false

    public init(jail: JailDefinition) { self.jail = jail }

    public enum Outcome: Sendable { case alreadyDown, removed(remaining: [JailedProcess]) }

    public func down() throws(JailError) -> Outcome {
        let paths = JailPaths(name: jail.name, interface: jail.interface)
        let name = jail.name.value, iface = jail.interface.value
        let fm = FileManager.default
        let namespaceExists = fm.fileExists(atPath: paths.namespaceFile)
        let wgPID = WireGuardDevice.recordedProcess(paths)
        if !namespaceExists && wgPID == nil && !fm.fileExists(atPath: paths.resolvConf) && !fm.fileExists(atPath: paths.pidFile) {
            return .alreadyDown
        }

        var remaining: [JailedProcess] = []
        if namespaceExists {
            let inside = ProcessesInside.scan(namespaceFile: paths.namespaceFile)
            for process in inside { Console.note("still inside \(name): PID \(process.pid) \(process.command)") }
            if killProcesses && !inside.isEmpty {
                Console.note("ending \(inside.count) process(es) in \(name) (SIGTERM, then SIGKILL after 5 seconds)")
                let survivors = Set(ProcessesInside.terminate(inside.map(\.pid)))
                remaining = inside.filter { survivors.contains($0.pid) }
            } else {
                remaining = inside
            }
            // The tunnel first: from here on, whatever is left inside has no way out.
            let del = ExternalTool.ip.run(["-n", name, "link", "del", "dev", iface])
            if !del.succeeded && ExternalTool.ip.run(["-n", name, "link", "show", "dev", iface]).succeeded {
                throw .failure("removing \(iface) from \(name): \(del.reason)")
            }
        }
        if let wgPID {
            let left = ProcessesInside.terminate([wgPID], grace: 3)
            if !left.isEmpty { throw .failure("wireguard-go (PID \(wgPID)) did not exit after SIGKILL") }
        }
        try? fm.removeItem(atPath: paths.pidFile)
        try? fm.removeItem(atPath: paths.logFile)
        if namespaceExists {
            try ExternalTool.ip.run(["netns", "del", name]).check("deleting namespace \(name)")
        }
        // A kernel WireGuard interface an `up` killed before the move left
        // here; only when the jail's own namespace is gone and it is
        // WireGuard, so nothing else of that name is touched.
        if !namespaceExists, WireGuardDevice.exists(jail.interface),
           ExternalTool.ip.run(["-d", "link", "show", "dev", iface]).output.contains("wireguard") {
            try ExternalTool.ip.run(["link", "del", "dev", iface]).check("removing the stale \(iface)")
        }
        if fm.fileExists(atPath: paths.resolvConf) {
            do { try fm.removeItem(atPath: paths.resolvConf) } catch {
                throw .failure("removing \(paths.resolvConf): \(error.localizedDescription)")
            }
        }
        // Other files an administrator put in /etc/netns/NAME stay.
        if rmdir(paths.etcDirectory) != 0 && errno == ENOTEMPTY {
            Console.note("kept \(paths.etcDirectory): it holds files netns-jail did not write")
        }
        return .removed(remaining: remaining)
    }
}

import FoundationEssentials
import Glibc
import NetnsPolicy

/// The tunnel interface, created in the namespace netns-jail runs in so that
/// its UDP socket lives there, then moved into the jail.
///
/// With kernel WireGuard the socket belongs to the interface's creation
/// namespace. With wireguard-go the socket belongs to the process, which
/// stays in our namespace; only its TUN device moves. wireguard-go polls its
/// TUN for up/down once a second precisely so that this works across
/// namespaces, and `wg` reaches it through /var/run/wireguard/IFACE.sock,
/// which is a path, not a network-namespace object.
public enum WireGuardImplementation: String, Sendable, Codable {
    case kernel
    case userspace = "wireguard-go"
    /// Not WireGuard: the jail's tunnel is OpenVPN (OpenVPNTunnel).
    case openvpn
}

enum WireGuardDevice {
    /// Whether an interface of this name exists in our namespace.
    static func exists(_ interface: InterfaceName) -> Bool {
        ExternalTool.ip.run(["link", "show", "dev", interface.value]).succeeded
    }

    /// Creates the interface, registering its removal with `rollback`.
    static func create(_ paths: JailPaths, forceUserspace: Bool, rollback: Rollback) throws(JailError) -> WireGuardImplementation {
        let interface = paths.interface
        if !forceUserspace {
            let added = ExternalTool.ip.run(["link", "add", "dev", interface.value, "type", "wireguard"])
            if added.succeeded {
                rollback.register("delete interface \(interface)") {
                    _ = ExternalTool.ip.run(["link", "del", "dev", interface.value])
                    _ = ExternalTool.ip.runInside(paths.name.value, ["link", "del", "dev", interface.value])
                }
                return .kernel
            }
            Console.note("kernel WireGuard unavailable (\(added.reason)); using wireguard-go")
        }
        try startUserspace(paths, rollback: rollback)
        return .userspace
    }

    private static func startUserspace(_ paths: JailPaths, rollback: Rollback) throws(JailError) {
        let interface = paths.interface
        guard let binary = ExternalTool.wireguardGo.path else {
            throw .failure("no kernel WireGuard and wireguard-go is not installed; install wireguard-go")
        }
        if FileManager.default.fileExists(atPath: paths.uapiSocket), uapiAnswers(paths.uapiSocket) {
            throw .failure("\(paths.uapiSocket) is in use by another WireGuard interface named \(interface); choose another 'interface =' in the jail config")
        }
        try? FileManager.default.createDirectory(atPath: JailPaths.stateDirectory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        let log = open(paths.logFile, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard log >= 0 else {
            throw .failure("cannot write \(paths.logFile): \(String(cString: strerror(errno))); check \(JailPaths.stateDirectory)")
        }
        defer { close(log) }
        // Foreground, so the PID we record is the daemon itself; its own
        // session, so a Ctrl-C aimed at us does not reach it; it outlives
        // us because nothing waits for it. Held until its record is
        // written (ChildProcess.spawnHeld): killed before that, we leave
        // no wireguard-go behind, only a shell that ends at once.
        let environment = ExternalTool.environment.merging(["WG_PROCESS_FOREGROUND": "1", "LOG_LEVEL": "error"]) { $1 }
        let held: (pid: pid_t, release: Int32)
        do {
            held = try ChildProcess.spawnHeld(binary, [interface.value], environment: environment,
                                              output: .file(log), newSession: true)
        } catch {
            switch error { case .spawn(let code): throw .failure("cannot start \(binary): \(String(cString: strerror(code)))") }
        }
        let pid = held.pid
        rollback.register("stop wireguard-go (PID \(pid))") {
            ProcessesInside.terminate([pid], grace: 3)
            _ = ExternalTool.ip.run(["link", "del", "dev", interface.value])
            try? FileManager.default.removeItem(atPath: paths.pidFile)
            try? FileManager.default.removeItem(atPath: paths.logFile)
        }
        StepPause.after(.wireguardGoStarted)
        let code = ProcessRecord.of(pid).map { $0.write(to: paths.pidFile) } ?? ESRCH
        guard code == 0 else {
            close(held.release)
            throw .failure("cannot write \(paths.pidFile): \(String(cString: strerror(code))); check \(JailPaths.stateDirectory)")
        }
        ChildProcess.release(held.release)
        // Bounded wait (5 s) for the TUN device and the control socket.
        for _ in 0..<500 {
            if let status = ChildProcess.exited(pid) {
                let text = (try? String(contentsOfFile: paths.logFile, encoding: .utf8)) ?? ""
                let last = text.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
                throw .failure("wireguard-go \(interface) exited at start: \(last)")
            }
            if FileManager.default.fileExists(atPath: paths.uapiSocket) && exists(interface) { return }
            usleep(10_000)
        }
        throw .failure("wireguard-go \(interface) did not create its interface within 5 seconds; see \(paths.logFile)")
    }

    /// True when something accepts connections on a UAPI socket, i.e. a live
    /// wireguard-go already owns this interface name.
    static func uapiAnswers(_ path: String) -> Bool {
        ExternalTool.wg.run(["show", URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent]).succeeded
    }

    /// The recorded wireguard-go PID, if the record (ProcessRecord: PID and
    /// start time) still names a running process, and that process is
    /// wireguard-go for this interface, or the shell holding it before it
    /// becomes wireguard-go (ChildProcess.spawnHeld). A stale record whose
    /// PID was reused by some other program, whatever its command line,
    /// must never lead us to signal that program.
    /// `anyInterface`: also one started for another interface name (the
    /// jail's `interface =` was changed since), when the jail is rebuilt.
    static func recordedProcess(_ paths: JailPaths, anyInterface: Bool = false) -> Int32? {
        guard let record = ProcessRecord.read(paths.pidFile), record.isRunning else { return nil }
        var argv = ProcessesInside.arguments(of: record.pid)
        if argv.count >= 4, argv[0] == ChildProcess.heldShell, argv[1] == "-c", argv[2] == ChildProcess.heldScript {
            argv.removeFirst(3)
        }
        guard argv.count >= 2, argv[0].split(separator: "/").last == "wireguard-go",
              anyInterface || argv.dropFirst().contains(paths.interface.value)
        else { return nil }
        return record.pid
    }
}

extension WireGuardDevice {
    /// Before a new tunnel: what an interrupted `up` or a dead tunnel left.
    /// The recorded wireguard-go (checked to still be wireguard-go for this
    /// interface) is stopped, which removes its TUN device; a kernel
    /// WireGuard interface of this name left in our namespace is deleted
    /// only when it is a WireGuard interface, i.e. one `up` made.
    static func removeStale(_ paths: JailPaths, wireguardGo: Int32?) throws(JailError) {
        let iface = paths.interface.value
        if let pid = wireguardGo {
            let left = ProcessesInside.terminate([pid], grace: 3)
            if !left.isEmpty { throw .failure("the old wireguard-go for \(iface) (PID \(pid)) did not exit after SIGKILL") }
            Console.note("stopped the old wireguard-go for \(iface) (PID \(pid))")
            // Its TUN device goes with it, but not always at once.
            for _ in 0..<100 where exists(paths.interface) { usleep(10_000) }
        }
        unlink(paths.pidFile)
        if exists(paths.interface) {
            let details = ExternalTool.ip.run(["-d", "link", "show", "dev", iface])
            guard details.output.contains("wireguard") else {
                throw .failure("an interface named \(iface) that is not WireGuard exists here; remove it or set another 'interface =' for [\(paths.name)]")
            }
            try ExternalTool.ip.run(["link", "del", "dev", iface]).check("removing the stale \(iface) from this namespace")
            Console.note("removed the stale \(iface) an interrupted up left in this namespace")
        }
    }
}

import FoundationEssentials
import Glibc
import NetnsPolicy

/// The jail's OpenVPN tunnel: an `openvpn` process in our namespace (its
/// socket must reach the uplink, like WireGuard's), whose tun device lives
/// in the jail.
///
/// The order keeps the host out, as for WireGuard: the kill switch is in
/// the jail before OpenVPN starts; OpenVPN opens its device here, down and
/// without address (`ifconfig-noexec`, `route-noexec`: it configures
/// nothing anywhere); its `up` command, netns-jail's own hook run from a
/// descriptor (OpenVPNHook), moves the device in and records the push; then
/// `route` applies the pushed addresses and a default route for each
/// pushed family inside the jail. OpenVPN then becomes an unprivileged
/// user and keeps the device across reconnects (`persist-tun`).
struct OpenVPNTunnel {
    let paths: JailPaths
    let client: OpenVPNClientFile

    /// The descriptor number the hook has in OpenVPN (`/proc/self/fd/3`).
    static let hookDescriptor: Int32 = 3

    /// The `up` command written into OpenVPN's file.
    static func hookCommand(_ paths: JailPaths) -> String {
        "/proc/self/fd/\(hookDescriptor) openvpn-up \(paths.name) \(paths.interface)"
    }

    static func namespaceExists(_ paths: JailPaths) -> Bool {
        var st = stat()
        return lstat(paths.namespaceFile, &st) == 0
    }

    /// Writes OpenVPN's file and starts OpenVPN held until its record is
    /// written (ChildProcess.spawnHeld), its own session, its output to
    /// its log. Its removal is registered with `rollback`. An `up` killed
    /// before the record is written (`openvpn-started`) leaves nothing: the
    /// held shell reads end of file and exits, and OpenVPN never starts.
    func start(rollback: Rollback, step: (StepPause.Step) throws(JailError) -> Void) throws(JailError) -> Int32 {
        guard let binary = ExternalTool.openvpn.path else {
            throw .failure("openvpn is not installed; install it (the jail's tunnel is OpenVPN)")
        }
        try? FileManager.default.createDirectory(atPath: JailPaths.stateDirectory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        unlink(paths.openvpnPushFile)
        unlink(paths.openvpnCredentialsFile)
        if let credentials = client.credentialsText {
            try ResolvConf.write(credentials, to: paths.openvpnCredentialsFile, mode: 0o600)
        }
        try OpenVPNManagement.prepareDirectory()
        unlink(OpenVPNManagement.socket(paths))
        try ResolvConf.write(client.text, to: paths.openvpnConfigFile, mode: 0o600)
        let log = open(paths.openvpnLogFile, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard log >= 0 else { throw .failure("cannot write \(paths.openvpnLogFile): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        // The hook is this very netns-jail, opened once from the kernel's
        // name for our own image, never looked up by path again.
        let image = open(OwnExecutable.image, O_RDONLY | O_CLOEXEC)
        guard image >= 0 else { throw .failure("open(\(OwnExecutable.image)): \(String(cString: strerror(errno)))") }
        defer { close(image) }
        let held: (pid: pid_t, release: Int32)
        do {
            held = try ChildProcess.spawnHeld(binary, ["--config", paths.openvpnConfigFile], environment: ExternalTool.environment,
                                              output: .file(log), newSession: true, inherit: (image, Self.hookDescriptor))
        } catch {
            switch error { case .spawn(let code): throw .failure("cannot start \(binary): \(String(cString: strerror(code)))") }
        }
        let pid = held.pid, paths = self.paths
        do { try step(.openvpnStarted) } catch { close(held.release); throw error }
        rollback.register("stop openvpn (PID \(pid))") {
            ProcessesInside.terminate([pid], grace: 3)
            _ = ExternalTool.ip.run(["link", "del", "dev", paths.interface.value])
            // The log stays: it says why this OpenVPN failed (`down` removes it).
            for file in [paths.openvpnPidFile, paths.openvpnPushFile, paths.openvpnConfigFile, paths.openvpnCredentialsFile,
                         OpenVPNManagement.socket(paths)] { unlink(file) }
        }
        let code = ProcessRecord.of(pid).map { $0.write(to: paths.openvpnPidFile) } ?? ESRCH
        guard code == 0 else {
            close(held.release)
            throw .failure("cannot write \(paths.openvpnPidFile): \(String(cString: strerror(code)))")
        }
        ChildProcess.release(held.release)
        return pid
    }

    /// Waits (at most `timeout` seconds) for the hook's record: the device
    /// is in the jail and the push is known. OpenVPN ending first (a wrong
    /// password, a refused certificate, a failed hook) fails with the last
    /// line of its log.
    func waitForPush(pid: Int32, timeout: Double) throws(JailError) -> OpenVPNPush {
        let steps = max(1, Int(timeout * 20))
        for _ in 0..<steps {
            if let status = ChildProcess.exited(pid) {
                throw .failure("openvpn for \(paths.name) exited (status \(status)): \(lastLogLine()); see \(paths.openvpnLogFile)")
            }
            if let push = OpenVPNPush.recorded(paths) { return push }
            usleep(50_000)
        }
        throw .failure("openvpn for \(paths.name) did not connect within \(Int(timeout)) seconds: \(lastLogLine()); see \(paths.openvpnLogFile)")
    }

    private func lastLogLine() -> String {
        let text = String(decoding: readSmallFile(paths.openvpnLogFile, limit: 1 << 20), as: UTF8.self)
        // OpenVPN ends a refused option with "Use --help for more
        // information.", which says nothing: the line before it says why.
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("Use --help") }
        let line = lines.last.map(String.init) ?? "no output"
        return Quoted.terminalSafe(String(line.suffix(200)), keepLines: false)
    }

    /// The pushed addresses, the MTU, the links and a default route for
    /// each pushed family, inside the jail; idempotent like Tunnel.route.
    /// No IPv6 pushed: no IPv6 address and no IPv6 route.
    static func route(_ paths: JailPaths, _ push: OpenVPNPush) throws(JailError) {
        let ip = ExternalTool.ip, name = paths.name.value, iface = paths.interface.value
        for address in [push.address4, push.address6].compactMap({ $0 }) {
            try ip.runInside(name, ["address", "replace", address.description, "dev", iface]).check("adding address \(address) to \(iface)")
        }
        if let mtu = push.mtu {
            try ip.runInside(name, ["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface) in \(name)")
        }
        try ip.runInside(name, ["link", "set", "dev", "lo", "up"]).check("bringing lo up in \(name)")
        try ip.runInside(name, ["link", "set", "dev", iface, "up"]).check("bringing \(iface) up in \(name)")
        for family in push.families {
            let flag = family == .ipv4 ? "-4" : "-6"
            try ip.runInside(name, [flag, "route", "replace", "default", "dev", iface]).check("adding the \(family) default route via \(iface)")
        }
    }

    /// The recorded OpenVPN, if the record still names a running process
    /// and that process is openvpn reading this jail's file (or the shell
    /// holding it before it becomes openvpn).
    static func recordedProcess(_ paths: JailPaths) -> Int32? {
        guard let record = ProcessRecord.read(paths.openvpnPidFile), record.isRunning else { return nil }
        var argv = ProcessesInside.arguments(of: record.pid)
        if argv.last == "" { argv.removeLast() }   // cmdline ends in a NUL
        if argv.count >= 4, argv[0] == ChildProcess.heldShell, argv[1] == "-c", argv[2] == ChildProcess.heldScript {
            argv.removeFirst(3)
        }
        guard argv.count == 3, argv[0].split(separator: "/").last == "openvpn", argv[1] == "--config",
              argv[2] == paths.openvpnConfigFile else { return nil }
        return record.pid
    }

    /// `down`, and before a new OpenVPN: the recorded process stopped (its
    /// device goes with it), then its files.
    static func remove(_ paths: JailPaths) throws(JailError) {
        if let pid = recordedProcess(paths) {
            let left = ProcessesInside.terminate([pid], grace: 3)
            if !left.isEmpty { throw .failure("openvpn (PID \(pid)) did not exit after SIGKILL") }
        }
        // OpenVPN, as nobody, cannot remove its socket from root's directory.
        for file in [paths.openvpnPidFile, paths.openvpnPushFile, paths.openvpnConfigFile, paths.openvpnCredentialsFile,
                     paths.openvpnLogFile, OpenVPNManagement.socket(paths), OpenVPNContact.file(paths)] { unlink(file) }
    }
}

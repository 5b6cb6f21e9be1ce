import FoundationEssentials
import Glibc

/// `netns-jail supervise NAME`: one root process per jail, started by `up`
/// and stopped by `down`, that keeps the jail working without anyone at the
/// console. Each round (every `interval` seconds) it inspects the jail
/// like `verify` and, under the jail's lock (taken only if free, so an
/// administrator's command always goes first):
///  - repairs what `up` can repair (a dead wireguard-go, a tunnel that
///    vanished or was set down, lost routes, a missing kill switch), with
///    the same code as `up`, without waiting for a handshake, so a missing
///    uplink leaves the jail sealed and waiting rather than torn down;
///  - asks idle peers for a handshake when the last one is old (or there
///    was none: a jail built before the uplink existed), so `status` keeps
///    calling a working idle tunnel healthy, after resolving endpoints given
///    as host names again (EndpointResolver);
///  - logs every action and failure to syslog;
///  - keeps the jail's relay running when the configuration has `publish`
///    or `host-service` lines (RelayChild): a child process that binds the
///    listening sockets as root and then runs without privileges;
///  - keeps a provider-forwarded port when the jail asks for one
///    (PortForwarding: a thread of its own talks NAT-PMP to the gateway);
///  - probes the tunnel (TunnelHealth: a thread of its own sends a DNS
///    query through it every few seconds) and records when it last
///    answered, which `status` reads.
/// It has no listening socket itself and reads nothing but the root-owned configuration; it
/// stops itself when the namespace is gone, unless `stay` (init's respawn
/// or systemd runs it, and the jail may come up later).
///
/// It records itself (SupervisorProcess) before anything else, so `status`
/// can tell a supervisor that died (the record names a process that no
/// longer runs) from a jail that has none, and `up` starts a new one. One
/// supervisor per jail: a second one started while the first runs ends at
/// once, or with `stay` waits for the first to end and takes over.
public struct Supervisor {
    public let jail: JailDefinition
    public let configPath: String
    public var interval: Double = 1
    public var stay = false

    public init(jail: JailDefinition, configPath: String) {
        self.jail = jail
        self.configPath = configPath
    }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// REKEY_AFTER_TIME: a peer that sends on a session this old starts a
    /// new handshake, so a keepalive then refreshes an idle tunnel.
    static let nudgeAfter = 125

    public func run() -> Never {
        // A daemon: it must not keep the directory `up` ran in busy.
        _ = chdir("/")
        SystemLog.open()
        takeOver()
        SystemLog.info("supervising \(jail.name) (\(jail.interface))\(stay ? ", staying while it is down" : "")")
        var failures = 0, lastNudge = 0.0, lastForeign: [String] = []
        // The jail as the configuration and its pool's record say now: a
        // pool's server in use changes (ServerFailover, `up --server`), and
        // `up` applies edits without restarting us.
        var current = jail
        var forwarding = PortForwarding(jail: jail, paths: paths)
        var relay = RelayChild(jail: jail, configPath: configPath)
        var health = TunnelHealth(jail: jail, paths: paths)
        // A dead predecessor's probe record would judge the tunnel by its
        // last reply, however old; until our first probe, there is none.
        health.remove()
        let failover = ServerFailover(paths: paths)
        while true {
            usleep(useconds_t(interval * Double(1 << min(failures, 5)) * 1_000_000))
            // A wireguard-go we started and that died is our child, and so
            // are a port-forward hook and the relay: reap them.
            var status: Int32 = 0
            while case let pid = waitpid(-1, &status, WNOHANG), pid > 0 {
                _ = forwarding?.reaped(pid, status: ChildProcess.decode(status))
                relay.reaped(pid, status: status)
            }
            guard FileManager.default.fileExists(atPath: paths.namespaceFile) else {
                if stay { continue }
                SystemLog.info("\(jail.name) is gone (no \(paths.namespaceFile)); supervisor stops")
                PortForwardRecord.remove(paths)
                health.remove()
                // Only our own record: a new jail's supervisor may have
                // written its own already.
                if SupervisorProcess.runningPID(paths) == getpid() { unlink(paths.supervisorPidFile) }
                exit(0)
            }
            if let now = (try? ServerPool.jails(at: configPath))?.jail(named: jail.name.value), now.interface == jail.interface {
                if now.wireguard != current.wireguard {
                    // Another server: its probe and its gateway start over.
                    health.restart()
                    forwarding?.restart(jail: now)
                }
                current = now
                health.jail = now
            }
            forwarding?.tick()
            if current.openvpn != nil { OpenVPNContact.tick(paths, now: Int(time(nil))) }
            health.tick(config: try? ConfigLoader.wireguard(for: current, warn: false))
            // Outside the lock: the relay touches nothing `up` builds.
            relay.tend()
            guard let lock = JailLock.tryAcquire(jail.name.value, command: "supervisor") else { continue }
            withExtendedLifetime(lock) {
                let config: WireGuardConfig
                do { config = try ConfigLoader.wireguard(for: current, warn: false) } catch {
                    SystemLog.warning("\(jail.name): cannot read its WireGuard config: \(plain(error))")
                    failures += 1
                    return
                }
                let state = JailInspection.inspect(paths)
                let breaches = JailVerification.structural(state, config: config)
                let foreign = breaches.filter { !$0.repairable }.map(\.text)
                if !foreign.isEmpty {
                    if foreign != lastForeign { for text in foreign { SystemLog.warning("\(jail.name): \(text); not repaired") } }
                    lastForeign = foreign
                    return
                }
                lastForeign = []
                if !breaches.isEmpty {
                    failures = repair(breaches, jail: current, config: config) ? 0 : failures + 1
                    return
                }
                let now = Int(Date().timeIntervalSince1970)
                // A switch `up` made (an edit, --server) while we waited
                // for its lock: we began probing the new server when we
                // read the configuration, before `up` had finished moving
                // the jail to it. The silence of that window is the
                // switch's, not the server's (in a slow guest it exceeded
                // fail-after and moved the jail on again at once).
                if let pool = PoolRecord.read(paths), let probing = health.record?.since, pool.since > probing {
                    health.restart()
                }
                var problem = health.problem(now: now)
                if problem == nil, current.portForward?.required == true { problem = forwarding?.refusal }
                if failover.tick(current, problem: problem, answered: health.answered, now: now) { return }
                if needsNudge(state, now: now),
                   monotonicSeconds() - lastNudge > (state.peers.contains { $0.latestHandshake == nil } ? 10 : 30) {
                    lastNudge = monotonicSeconds()
                    resolveAgain(config: config, live: state.peers)
                    do { try WireGuardTunnel(jail: current, config: config).awaitConnection(timeout: 3) } catch {
                        SystemLog.warning("\(jail.name): \(plain(error)); still trying")
                    }
                }
            }
        }
    }

    private func repair(_ breaches: [JailVerification.Breach], jail: JailDefinition, config: WireGuardConfig) -> Bool {
        for breach in breaches { SystemLog.warning("\(jail.name): \(breach.text); repairing") }
        var builder = JailBuilder(jail: jail, config: config)
        builder.handshakeTimeout = 0
        builder.applyEdits = false
        do {
            _ = try builder.up()
            SystemLog.info("\(jail.name): repaired")
            return true
        } catch {
            if Interruption.happened {
                // The record stays: a supervisor stopped by anyone but
                // `down` is a supervisor missing, and `status` says so.
                SystemLog.info("\(jail.name): stopped during a repair; what it had made is rolled back")
                exit(0)
            }
            SystemLog.warning("\(jail.name): repair failed: \(plain(error)); trying again")
            return false
        }
    }

    /// Becomes the jail's one supervisor and records itself. A record of a
    /// supervisor that died is reported: nobody saw it die, and the jail
    /// went unrepaired meanwhile.
    private func takeOver() {
        while let other = SupervisorProcess.runningPID(paths), other != getpid() {
            guard stay else {
                SystemLog.info("\(jail.name) already has a supervisor (PID \(other)); this one ends")
                exit(0)
            }
            sleep(1)
        }
        if case .gone(let dead) = SupervisorProcess.state(paths) {
            SystemLog.warning("\(jail.name): its supervisor (PID \(dead)) ended without being stopped; a new one takes over")
        }
        let code = SupervisorProcess.recordSelf(paths)
        guard code == 0 else {
            SystemLog.warning("\(jail.name): cannot write \(paths.supervisorPidFile): \(String(cString: strerror(code))); supervisor stops")
            exit(1)
        }
    }

    /// Endpoints given as host names, resolved again in our namespace; a
    /// changed address is handed to the tunnel.
    private func resolveAgain(config: WireGuardConfig, live: [PeerState]) {
        let jail = self.jail
        for peer in config.peers {
            guard let endpoint = peer.endpoint, let address = EndpointResolver.resolve(endpoint),
                  live.first(where: { $0.publicKey == peer.publicKey })?.endpoint != address else { continue }
            let set = ExternalTool.wg.runInside(jail.name.value, ["set", jail.interface.value, "peer", peer.publicKey, "endpoint", address])
            if set.succeeded {
                SystemLog.info("\(jail.name): \(endpoint) now resolves to \(address); endpoint updated")
            } else {
                SystemLog.warning("\(jail.name): cannot set endpoint \(address): \(set.reason)")
            }
        }
    }

    /// An error as syslog gets it: one line, without the `netns-jail: `
    /// prefix (syslog has the tag).
    private func plain(_ error: any Error) -> String {
        (error as? JailError)?.message ?? String(describing: error)
    }

    private func needsNudge(_ state: JailInspection, now: Int) -> Bool {
        state.peers.contains { peer in
            peer.endpoint != nil && (peer.latestHandshake.map { now - $0 >= Supervisor.nudgeAfter } ?? true)
        }
    }
}

import Glibc

/// The supervisor's side of the tunnel probe: starts the TunnelProber
/// thread once the probe's target is known, and each round writes what it
/// saw to the jail's probe record (for `status`) and logs each change
/// between answering and silent. Main thread only.
struct TunnelHealth {
    var jail: JailDefinition
    let paths: JailPaths
    private var prober: TunnelProber?
    private var written = -1
    private(set) var failed = false
    private var complained = false
    /// What the probe last saw; nil until it runs.
    private(set) var record: ProbeRecord?

    /// Why the server in use counts as failed, nil while it does not.
    func problem(now: Int) -> String? { failed ? record?.problem(now: now) : nil }
    /// It has replied since it was put in use.
    var answered: Bool { (record?.lastReply ?? 0) > 0 }

    init(jail: JailDefinition, paths: JailPaths) {
        self.jail = jail
        self.paths = paths
    }

    /// `config`: the jail's WireGuard config as this round read it (nil
    /// when it could not be read; the probe then keeps its target).
    mutating func tick(config: WireGuardConfig?) {
        if let config {
            if let target = jail.health.target(for: config) {
                if let prober { prober.retarget(target) } else {
                    let started = TunnelProber(namespaceFile: paths.namespaceFile, target: target, settings: jail.health)
                    started.start()
                    prober = started
                    SystemLog.info("\(jail.name): probing the tunnel through \(target) every \(started.interval) s (fail-after \(jail.health.failAfter))")
                }
            } else if !complained {
                complained = true
                SystemLog.warning("\(jail.name): no DNS server in the WireGuard config and no 'probe =': health rests on the handshake age alone")
            }
        }
        guard let prober else { return }
        let state = prober.state.withLock { $0 }
        let record = ProbeRecord(target: state.target.description, since: state.since, lastReply: state.success,
                                 lastAttempt: state.attempt, failAfter: jail.health.failAfter, error: state.error)
        let now = Int(time(nil))
        self.record = record
        let nowFailed = record.failed(now: now)
        if nowFailed != failed {
            if nowFailed { SystemLog.warning("\(jail.name): \(record.problem(now: now))") } else {
                SystemLog.info("\(jail.name): the tunnel answers again (\(state.target))")
            }
            failed = nowFailed
        }
        if written != state.round {
            record.write(paths)
            written = state.round
        }
    }

    /// A new peer must answer for itself.
    mutating func restart() {
        prober?.restart()
        failed = false
        record = nil
    }

    func remove() { ProbeRecord.remove(paths) }
}

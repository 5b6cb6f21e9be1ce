import Glibc
import Synchronization

/// Probes a jail's tunnel (DNSProbe) every `interval` seconds on a thread
/// of the supervisor, and publishes when a probe last succeeded. The
/// supervisor's main thread turns that into the jail's probe record
/// (ProbeRecord), which `status` reads, and decides what a long silence
/// means (HealthSettings.failAfter). Like the port forwarder, this thread
/// only talks through its socket: it never forks and never writes a file.
final class TunnelProber: Sendable {
    struct State: Sendable, Equatable {
        /// Where the probes go; the supervisor changes it when the jail's
        /// resolver changes.
        var target: IPAddress
        /// Wall-clock times: probing began (for this target), the last
        /// reply, the last attempt's end.
        var since: Int
        var success = 0
        var attempt = 0
        /// The last attempt's failure, nil when it got a reply.
        var error: String?
        var round = 0
    }

    let namespaceFile: String
    let interval: Double
    let timeout: Double
    let state: Mutex<State>

    init(namespaceFile: String, target: IPAddress, settings: HealthSettings) {
        self.namespaceFile = namespaceFile
        interval = settings.probeInterval
        timeout = settings.probeTimeout
        state = Mutex(State(target: target, since: Int(time(nil))))
    }

    /// Points the probes at another resolver; the silence is counted anew.
    func retarget(_ target: IPAddress) {
        state.withLock {
            guard $0.target != target else { return }
            $0 = State(target: target, since: Int(time(nil)), round: $0.round + 1)
        }
    }

    /// Forgets the last reply (a switch to another server): the new peer
    /// has to answer for itself.
    func restart() {
        state.withLock { $0 = State(target: $0.target, since: Int(time(nil)), round: $0.round + 1) }
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let prober = Unmanaged<TunnelProber>.fromOpaque(context!).takeRetainedValue()
            prober.run()
        }, context)
        precondition(rc == 0, "pthread_create for the tunnel probe: \(String(cString: strerror(rc)))")
        pthread_detach(thread)
    }

    private func run() -> Never {
        while true {
            let began = monotonicSeconds()
            probeOnce()
            let left = interval - (monotonicSeconds() - began)
            if left > 0 { usleep(useconds_t(left * 1_000_000)) }
        }
    }

    /// One probe and its result. Kept out of line: with DNSProbe's wait
    /// loop inlined into run()'s endless one, the release build's
    /// loop-invariant code motion ran for more than half an hour on this
    /// one function (JailKit alone builds in about a minute without it).
    @inline(never)
    private func probeOnce() {
        let target = state.withLock { $0.target }
        var failure: String?
        do { try DNSProbe(target: target, namespaceFile: namespaceFile, timeout: timeout).run() } catch {
            failure = error.description
        }
        let now = Int(time(nil))
        state.withLock {
            guard $0.target == target else { return }
            if failure == nil { $0.success = now }
            $0.attempt = now
            $0.error = failure
            $0.round += 1
        }
    }
}

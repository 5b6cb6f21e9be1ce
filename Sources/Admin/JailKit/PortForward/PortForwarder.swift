import Glibc
import Synchronization

/// Keeps a provider-forwarded port for a jail: the NAT-PMP side of
/// `port-forward = natpmp`, on a thread of the jail's supervisor.
///
/// The thread only talks to the gateway (NATPMPClient) and publishes what
/// it got in `state`; everything with side effects (the port files, the
/// hook) is done by the supervisor's main thread, which also starts every
/// child process, so this thread never forks and never holds a file but
/// its socket. It runs until stopped: a failed round is logged and tried again
/// with a doubling wait of at most half a lease (and at most 60 s), so a
/// gateway that comes back is asked again soon after.
public final class PortForwarder: Sendable {
    public struct State: Sendable, Equatable {
        /// The port mapped for UDP and TCP, kept while renewals fail.
        public var port: UInt16?
        /// The lifetime the gateway granted at the last renewal.
        public var lease = 0
        /// Wall-clock time of the last successful renewal (0: never).
        public var renewed = 0
        public var publicAddress: String?
        /// The last round's failure, nil when it succeeded.
        public var error: String?
        /// Counts finished rounds, so a reader sees that something happened.
        public var round = 0
        /// Set by `stop`: the thread ends at its next step.
        public var stopped = false
    }

    public let jail: String
    public let namespaceFile: String
    public let gateway: IPAddress
    public let lifetime: Int
    public let state: Mutex<State>

    public init(jail: String, namespaceFile: String, gateway: IPAddress, lifetime: Int, port: UInt16?) {
        self.jail = jail
        self.namespaceFile = namespaceFile
        self.gateway = gateway
        self.lifetime = lifetime
        self.state = Mutex(State(port: port))
    }

    /// Starts the thread (detached; it lives as long as the process).
    public func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let forwarder = Unmanaged<PortForwarder>.fromOpaque(context!).takeRetainedValue()
            forwarder.run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create for the port forwarder: \(String(cString: strerror(rc)))")
        pthread_detach(thread)
    }

    /// Ends the thread (a pool moved to another server, whose gateway is
    /// asked by a new forwarder); it ends within a quarter second, or
    /// after the exchange under way.
    public func stop() {
        state.withLock { $0.stopped = true }
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func run() {
        var client = NATPMPClient(gateway: gateway)
        var failures = 0, lastError = "", lastAddress: String?
        var port = state.withLock { $0.port }
        SystemLog.info("\(jail): port forwarding through NAT-PMP at \(gateway), lease \(lifetime) s asked")
        while !stopped {
            var pause: Double
            do {
                try client.open(namespaceFile: namespaceFile)
                // A gateway without a public address of its own (miniupnpd
                // behind another NAT) answers 3 and may map all the same.
                let address: String?
                do { address = try client.publicAddress()?.description } catch {
                    guard case .refused = error else { throw error }
                    address = nil
                }
                if client.takeGatewayRestart() { SystemLog.info("\(jail): the NAT-PMP gateway restarted; mapping again") }
                if address != lastAddress { SystemLog.info("\(jail): public address \(address ?? "unknown")") }
                lastAddress = address
                let granted = try client.mapBoth(want: port, lifetime: UInt32(lifetime))
                client.close()
                if granted.port != port {
                    SystemLog.info("\(jail): forwarded port \(granted.port) (UDP and TCP)\(port.map { ", was \($0)" } ?? "")")
                }
                if !lastError.isEmpty { SystemLog.info("\(jail): port forwarding works again") }
                port = granted.port
                failures = 0
                lastError = ""
                let lease = Int(min(granted.lifetime, 86400))
                state.withLock {
                    $0 = State(port: granted.port, lease: lease, renewed: Int(time(nil)), publicAddress: address,
                               error: nil, round: $0.round + 1, stopped: $0.stopped)
                }
                // RFC 6886 section 3.3: renew at half the granted lifetime.
                pause = max(2, Double(lease) / 2)
            } catch {
                client.close()
                failures += 1
                let text = String(describing: error)
                if text != lastError { SystemLog.warning("\(jail): port forwarding: \(text); trying again") }
                lastError = text
                state.withLock { $0.error = text; $0.round += 1 }
                let cap = min(60, max(2, Double(lifetime) / 2))
                pause = min(cap, Double(1 << min(failures, 6)))
            }
            let until = monotonicSeconds() + pause
            while !stopped && monotonicSeconds() < until { usleep(250_000) }
        }
    }
}

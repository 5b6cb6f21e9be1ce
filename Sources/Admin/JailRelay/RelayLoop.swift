import CRelay
import Glibc
import JailKit

/// How much one relay process holds at most. With these, it needs at most
/// 2 * 256 + 16 descriptors (under the usual limit of 1024) and 8 MiB of
/// buffers, whatever its peers do.
enum RelayLimits {
    /// Connections of one `publish` or `host-service` line at once; past
    /// it, that line's listener is not polled and new connections wait in
    /// the kernel's backlog (then are refused), while the other lines go on.
    static let perRelay = 64
    /// Connections of the whole jail at once.
    static let total = 256
}

/// The relay's event loop: one thread, nonblocking sockets, poll(2).
/// It runs without privileges (RelayProcess); everything it handles comes
/// from jailed programs or local users and is only copied, never parsed.
struct RelayLoop {
    struct Listening {
        let fd: Int32
        let relay: RelaySpec
    }

    let listeners: [Listening]
    /// A new unconnected socket on the target's side: the host's namespace
    /// for `host-service`, the jail's (JailSocketThread) for `publish`.
    let outboundSocket: (RelaySpec) -> Int32?
    private var connections: [RelayConnection] = []
    private var counts: [Int]

    init(listeners: [Listening], outboundSocket: @escaping (RelaySpec) -> Int32?) {
        self.listeners = listeners
        self.outboundSocket = outboundSocket
        counts = Array(repeating: 0, count: listeners.count)
    }

    mutating func run() -> Never {
        var fds: [pollfd] = []
        while true {
            fds.removeAll(keepingCapacity: true)
            for (i, listener) in listeners.enumerated() {
                let open = counts[i] < RelayLimits.perRelay && connections.count < RelayLimits.total
                fds.append(pollfd(fd: open ? listener.fd : -1, events: Int16(POLLIN), revents: 0))
            }
            for connection in connections {
                let (a, b) = connection.interest
                fds.append(pollfd(fd: a == 0 ? -1 : connection.accepted, events: a, revents: 0))
                fds.append(pollfd(fd: b == 0 ? -1 : connection.outbound, events: b, revents: 0))
            }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                SystemLog.warning("relay: poll: \(String(cString: strerror(errno))); relay stops")
                exit(1)
            }
            // Connections first, from the back, so removing one leaves the
            // indices of those before it (and of the listeners) unchanged.
            for i in connections.indices.reversed() {
                let base = listeners.count + 2 * i
                let connection = connections[i]
                let step = connection.service(acceptedEvents: fds[base].revents, outboundEvents: fds[base + 1].revents)
                if step == .keep && !connection.finished { continue }
                connection.close(reset: step == .failed)
                counts[connection.relay] -= 1
                connections.remove(at: i)
            }
            for (i, listener) in listeners.enumerated() where fds[i].revents != 0 {
                accept(i, listener)
            }
        }
    }

    /// Takes what waits on one listener, up to the limits.
    private mutating func accept(_ index: Int, _ listener: Listening) {
        while counts[index] < RelayLimits.perRelay && connections.count < RelayLimits.total {
            let fd = nj_relay_accept(listener.fd)
            guard fd >= 0 else { return }
            guard let outbound = outboundSocket(listener.relay) else {
                RelaySocket.reset(fd)
                return
            }
            guard RelaySocket.startConnect(outbound, to: listener.relay.target) else {
                // Nothing listens there (ECONNREFUSED at once on loopback):
                // the client sees a reset, as it would from the target.
                RelaySocket.reset(fd)
                close(outbound)
                continue
            }
            connections.append(RelayConnection(accepted: fd, outbound: outbound, relay: index))
            counts[index] += 1
        }
    }
}

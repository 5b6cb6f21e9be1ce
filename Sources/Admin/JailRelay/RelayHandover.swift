import CRelay
import Glibc
import JailKit

/// The relay a new relay replaces after an edit (`up`, RelayEdit),
/// from the hand-over record: the old relay's state file, renamed.
///
/// The lines an edit keeps must not stop accepting, and their ports must
/// not be free for a moment in which another local process could take
/// them. So the new relay, still root, copies the old relay's listening
/// sockets with pidfd_getfd(2) (the same open sockets: their backlog and
/// their port never change hands), binds only new or changed lines, and
/// ends the old relay once its own record is written. A line whose listener
/// changed (another port, owner or mode) is bound anew; one whose target
/// changed keeps its listener.
///
/// Every step is checked, not assumed: the PID is opened as a pidfd first
/// and then checked to run `netns-jail relay ... NAME` (the pidfd cannot
/// come to mean another process), and each copied descriptor must be a
/// listening socket bound where the line listens. Where the copy is not
/// allowed (Yama's ptrace_scope 3, a kernel before 5.6), the old relay is
/// ended first and every line bound anew, with the brief gap that brings.
struct RelayHandover {
    private let pidfd: Int32
    private let served: [RelayState.Served]

    /// The relay to take over from, when the record names one that runs.
    static func find(_ paths: JailPaths) -> RelayHandover? {
        let record = RelayState.handedOver(paths)
        guard let pid = record.pid else { unlink(paths.relayHandoverFile); return nil }
        let pidfd = nj_relay_pidfd_open(pid)
        guard pidfd >= 0 else { unlink(paths.relayHandoverFile); return nil }
        guard RelayState.isRelay(pid, paths) else { close(pidfd); unlink(paths.relayHandoverFile); return nil }
        return RelayHandover(pidfd: pidfd, served: record.served)
    }

    /// Listening sockets for the lines of `relays` whose listener the old
    /// relay has, by index in `relays`; empty after ending the old relay
    /// when any of them cannot be copied.
    func listeners(for relays: [RelaySpec]) -> [Int: Int32] {
        var taken: [Int: Int32] = [:]
        for (index, relay) in relays.enumerated() {
            let listener = RelaySpec.listenerPart(of: relay.description)
            guard let old = served.first(where: { RelaySpec.listenerPart(of: $0.relay) == listener }) else { continue }
            let fd = old.fd.map { nj_relay_pidfd_getfd(pidfd, $0) } ?? -1
            guard fd >= 0, RelaySocket.isListening(fd, as: relay.listener) else {
                if fd >= 0 { close(fd) }
                for fd in taken.values { close(fd) }
                SystemLog.warning("relay: cannot take over the listener of \(relay) (\(fd < 0 ? String(cString: strerror(-fd)) : "not that socket")); ending the old relay first, its lines are bound again")
                endAndWait()
                return [:]
            }
            taken[index] = fd
        }
        return taken
    }

    /// SIGTERM to the old relay; its connections close with it.
    func end(_ paths: JailPaths) {
        _ = nj_relay_pidfd_signal(pidfd, SIGTERM)
        close(pidfd)
        unlink(paths.relayHandoverFile)
    }

    /// Ends the old relay and waits (2 s at most) until it is gone and its
    /// ports with it. A pidfd polls readable once its process has exited.
    private func endAndWait() {
        _ = nj_relay_pidfd_signal(pidfd, SIGTERM)
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, 2000)
    }
}

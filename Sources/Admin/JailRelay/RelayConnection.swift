import Glibc

/// One relayed connection: the accepted socket and the one the relay
/// opened to the target, with a fixed buffer per direction.
///
/// Nothing is buffered without limit: a side is read only while the
/// buffer toward the other side has room, so a peer that stops reading
/// stops the other peer (TCP's own flow control) instead of growing
/// memory. An end of data from one side is passed on as a half-close
/// (shutdown SHUT_WR) once its buffer is written out, so protocols that
/// close their sending side and still read (HTTP/1.0 clients, `nc -N`)
/// work. An error or reset on either side resets both.
final class RelayConnection {
    /// One direction: bytes read from `source`, not yet written to `sink`.
    struct Flow {
        static let capacity = 16384
        var bytes = [UInt8](repeating: 0, count: Flow.capacity)
        var start = 0, end = 0
        /// The source sent its end of data.
        var ended = false
        /// ... and it was passed on.
        var closed = false

        var pending: Bool { start < end }
        var wantsInput: Bool { !ended && end < Flow.capacity }
    }

    enum Step { case keep, done, failed }

    let accepted: Int32
    let outbound: Int32
    /// Which relay it belongs to (for the per-relay limit).
    let relay: Int
    var connecting = true
    var toTarget = Flow(), toClient = Flow()

    init(accepted: Int32, outbound: Int32, relay: Int) {
        self.accepted = accepted
        self.outbound = outbound
        self.relay = relay
    }

    /// poll events wanted on (accepted, outbound); 0 for both means done.
    var interest: (Int16, Int16) {
        if connecting { return (0, Int16(POLLOUT)) }
        let a = (toTarget.wantsInput ? POLLIN : 0) | (toClient.pending ? POLLOUT : 0)
        let b = (toClient.wantsInput ? POLLIN : 0) | (toTarget.pending ? POLLOUT : 0)
        return (Int16(a), Int16(b))
    }

    var finished: Bool { toTarget.closed && toClient.closed }

    /// Moves what poll said is ready.
    func service(acceptedEvents: Int16, outboundEvents: Int16) -> Step {
        if connecting {
            guard outboundEvents != 0 else { return .keep }
            guard RelaySocket.connectError(outbound) == 0 else { return .failed }
            connecting = false
            return .keep
        }
        let readable = Int16(POLLIN | POLLHUP | POLLERR)
        if acceptedEvents & readable != 0, !receive(from: accepted, into: &toTarget) { return .failed }
        if outboundEvents & readable != 0, !receive(from: outbound, into: &toClient) { return .failed }
        // Always: what was just read is written at once when the other side
        // has room (EAGAIN otherwise), and an end of data just read is
        // passed on even though nothing is left to write.
        if !transmit(&toTarget, to: outbound) || !transmit(&toClient, to: accepted) { return .failed }
        return finished ? .done : .keep
    }

    /// Both sockets closed; `reset` sends a reset to both peers.
    func close(reset: Bool) {
        if reset {
            RelaySocket.reset(accepted)
            RelaySocket.reset(outbound)
        } else {
            Glibc.close(accepted)
            Glibc.close(outbound)
        }
    }

    private func receive(from fd: Int32, into flow: inout Flow) -> Bool {
        guard flow.wantsInput else { return true }
        let n = flow.bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + flow.end, Flow.capacity - flow.end, 0) }
        if n > 0 { flow.end += n; return true }
        if n == 0 { flow.ended = true; return true }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
    }

    private func transmit(_ flow: inout Flow, to fd: Int32) -> Bool {
        if flow.pending {
            let n = flow.bytes.withUnsafeBytes { send(fd, $0.baseAddress! + flow.start, flow.end - flow.start, Int32(MSG_NOSIGNAL)) }
            if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            flow.start += n
            if flow.start == flow.end { flow.start = 0; flow.end = 0 }
        }
        if flow.ended && !flow.pending && !flow.closed {
            // Our sending side only; the other direction keeps flowing.
            shutdown(fd, Int32(SHUT_WR))
            flow.closed = true
        }
        return true
    }
}

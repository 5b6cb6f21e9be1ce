import CRelay
import Glibc
import JailKit

/// A thread of the relay that lives in the jail's network namespace.
///
/// setns(CLONE_NEWNET) moves only the calling thread, and the kernel ties a
/// socket to the namespace of the thread that creates it, for the socket's
/// life. So while the relay still has root, this thread enters the jail's
/// namespace and binds the `host-service` listeners there; once the
/// privileges are dropped (for every thread at once) it cannot enter any
/// other namespace, and its only job is to make new, unconnected TCP
/// sockets in the jail for `publish` connections, on request from the
/// main thread (which stays in the host's namespace) over a socket pair.
/// The main thread connects them; no data passes through this thread.
final class JailSocketThread: @unchecked Sendable {
    /// The main thread's end of the request channel.
    private let channel: Int32
    private let threadEnd: Int32
    private let namespaceFD: Int32
    private let endpoints: [LoopbackEndpoint]
    // Written by the thread before it answers "ready", read by the main
    // thread after: the socket pair orders the two.
    private var listeners: [Result<Int32, RelayFailure>] = []
    private var failure: RelayFailure?

    private init(channel: Int32, threadEnd: Int32, namespaceFD: Int32, endpoints: [LoopbackEndpoint]) {
        self.channel = channel
        self.threadEnd = threadEnd
        self.namespaceFD = namespaceFD
        self.endpoints = endpoints
    }

    /// Starts the thread in the namespace of `namespaceFile` and returns
    /// it with the listener it bound there for each of `endpoints`, in
    /// order, or why it could not (one taken port fails its line only).
    static func start(namespaceFile: String, listening endpoints: [LoopbackEndpoint]) throws(RelayFailure) -> (JailSocketThread, [Result<Int32, RelayFailure>]) {
        let nsfd = open(namespaceFile, O_RDONLY | O_CLOEXEC)
        guard nsfd >= 0 else { throw RelayFailure("open(\(namespaceFile))") }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            let code = errno; close(nsfd); throw RelayFailure("socketpair", code)
        }
        let thread = JailSocketThread(channel: pair[0], threadEnd: pair[1], namespaceFD: nsfd, endpoints: endpoints)
        var handle = pthread_t()
        let context = Unmanaged.passRetained(thread).toOpaque()
        let rc = pthread_create(&handle, nil, { context in
            Unmanaged<JailSocketThread>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<JailSocketThread>.fromOpaque(context).release()
            close(nsfd); close(pair[0]); close(pair[1])
            throw RelayFailure("pthread_create", rc)
        }
        pthread_detach(handle)
        var ready: UInt8 = 0
        guard recv(thread.channel, &ready, 1, 0) == 1 else { throw RelayFailure("the jail's socket thread did not start") }
        if let failure = thread.failure { throw failure }
        return (thread, thread.listeners)
    }

    /// A new TCP socket in the jail's namespace, or nil with errno set.
    func makeSocket(_ family: IPAddress.Family) -> Int32? {
        var request: UInt8 = family == .ipv4 ? 4 : 6
        guard send(channel, &request, 1, Int32(MSG_NOSIGNAL)) == 1 else { return nil }
        var answer: Int32 = 0
        guard recv(channel, &answer, 4, 0) == 4 else { return nil }
        if answer < 0 { errno = -answer; return nil }
        return answer
    }

    private func run() {
        var ready: UInt8 = 1
        let entered = nj_relay_enter_network_namespace(namespaceFD)
        if entered != 0 {
            failure = RelayFailure("setns(the jail's namespace)")
        } else {
            for endpoint in endpoints {
                do throws(RelayFailure) { listeners.append(.success(try RelaySocket.listenTCP(endpoint))) } catch {
                    listeners.append(.failure(RelayFailure(message: "in the jail: \(error)")))
                }
            }
        }
        close(namespaceFD)
        _ = send(threadEnd, &ready, 1, Int32(MSG_NOSIGNAL))
        if failure != nil { return }
        while true {
            var request: UInt8 = 0
            let n = recv(threadEnd, &request, 1, 0)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return }
            let fd = RelaySocket.make(request == 4 ? .ipv4 : .ipv6)
            var answer: Int32 = fd >= 0 ? fd : -errno
            guard send(threadEnd, &answer, 4, Int32(MSG_NOSIGNAL)) == 4 else { return }
        }
    }
}

import Glibc
import JailKit

/// `netns-jail relay NAME`, started by the jail's supervisor: the
/// listening sockets of the jail's `publish` and `host-service` lines and
/// the loop that copies bytes between them and their targets.
///
///  1. as root, the listeners of the lines an edit kept, taken over from
///     the relay it replaces (RelayHandover);
///  2. as root, in the host's namespace: the other `publish` listeners
///     (TCP on the host's loopback, or Unix sockets with their owner and
///     mode);
///  3. as root, a thread enters the jail's namespace and binds the other
///     `host-service` listeners there (JailSocketThread);
///  4. the state file says which lines are served and why any other is
///     not (RelayState): a line that cannot be served (its port taken)
///     costs that line only; then the replaced relay is ended;
///  5. root is dropped for good (RelayPrivileges);
///  6. the loop (RelayLoop). Outbound sockets for `publish` come from the
///     jail's thread, those for `host-service` from the main thread, which
///     stays in the host's namespace.
/// The jail gets no interface: the relay holds sockets in both namespaces.
/// A relay that can serve no line exits 1, and its supervisor tries again
/// later, less and less often.
public enum RelayProcess {
    public static func run(jail: JailDefinition) -> Never {
        _ = chdir("/")
        SystemLog.open()
        let paths = JailPaths(name: jail.name, interface: jail.interface)
        let parent = getppid()
        let predecessor = RelayHandover.find(paths)
        var loop: RelayLoop
        do throws(RelayFailure) {
            let account = try RelayPrivileges.account()
            let unserved: [RelayState.Unserved]
            (loop, unserved) = try prepare(jail, paths, taking: predecessor?.listeners(for: jail.relays) ?? [:])
            guard RelayState.write(paths, served: loop.listeners.map { ($0.relay.description, $0.fd) }, unserved: unserved) else {
                throw RelayFailure("writing \(paths.relayStateFile)")
            }
            predecessor?.end(paths)
            for line in unserved { SystemLog.warning("\(jail.name): relay: \(line.relay) is not served: \(line.reason)") }
            guard !loop.listeners.isEmpty else { exit(1) }
            try RelayPrivileges.drop(to: account, parent: parent)
        } catch {
            _ = RelayState.write(paths, served: [], failure: error.description)
            predecessor?.end(paths)
            SystemLog.warning("\(jail.name): relay: \(error)")
            exit(1)
        }
        SystemLog.info("\(jail.name): relay serves \(loop.listeners.map(\.relay.description).joined(separator: "; "))")
        loop.run()
    }

    /// Listeners for every line it can serve, in the configuration's
    /// order, and the reason for each it cannot. `taken` holds the sockets
    /// taken over, by line. Throws only when the relay as a whole cannot
    /// run (the jail's namespace cannot be entered).
    private static func prepare(_ jail: JailDefinition, _ paths: JailPaths, taking taken: [Int: Int32])
        throws(RelayFailure) -> (RelayLoop, [RelayState.Unserved]) {
        var bound: [Int: Int32] = taken, unserved: [Int: String] = [:], inJail: [Int] = []
        for (index, relay) in jail.relays.enumerated() where taken[index] == nil {
            do throws(RelayFailure) {
                switch (relay.direction, relay.listener) {
                case (.hostService, _):
                    inJail.append(index)
                case (.publish, .tcp(let endpoint)):
                    bound[index] = try RelaySocket.listenTCP(endpoint)
                case (.publish, .unix(let socket)):
                    let (uid, gid) = try owner(socket)
                    bound[index] = try RelaySocket.listenUnix(socket, uid: uid, gid: gid)
                }
            } catch {
                unserved[index] = error.description
            }
        }
        let endpoints = inJail.map { index -> LoopbackEndpoint in
            guard case .tcp(let endpoint) = jail.relays[index].listener else { preconditionFailure("host-service listens on TCP") }
            return endpoint
        }
        let (thread, results) = try JailSocketThread.start(namespaceFile: paths.namespaceFile, listening: endpoints)
        for (index, result) in zip(inJail, results) {
            switch result {
            case .success(let fd): bound[index] = fd
            case .failure(let error): unserved[index] = error.description
            }
        }
        let listeners = jail.relays.indices.compactMap { index in bound[index].map { RelayLoop.Listening(fd: $0, relay: jail.relays[index]) } }
        let reasons = jail.relays.indices.compactMap { index in
            unserved[index].map { RelayState.Unserved(relay: jail.relays[index].description, reason: $0) }
        }
        let loop = RelayLoop(listeners: listeners) { relay in
            if relay.direction == .publish { return thread.makeSocket(relay.target.address.family) }
            let fd = RelaySocket.make(relay.target.address.family)
            return fd >= 0 ? fd : nil
        }
        return (loop, reasons)
    }

    /// owner= as a user name or UID; group= as a group name or GID, else
    /// root's group (RelaySpec refuses group bits without group=), never
    /// the owner's primary group, which may be every user's.
    private static func owner(_ socket: UnixSocketEndpoint) throws(RelayFailure) -> (uid_t, gid_t) {
        let entry = UInt32(socket.owner).flatMap { getpwuid($0) } ?? getpwnam(socket.owner)
        guard let entry else { throw RelayFailure(message: "owner=\(socket.owner): no such user") }
        guard let name = socket.group else { return (entry.pointee.pw_uid, 0) }
        let group = UInt32(name).flatMap { getgrgid($0) } ?? getgrnam(name)
        guard let group else { throw RelayFailure(message: "group=\(name): no such group") }
        return (entry.pointee.pw_uid, group.pointee.gr_gid)
    }
}

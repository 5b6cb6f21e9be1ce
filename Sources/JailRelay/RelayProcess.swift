import Glibc
import JailKit

/// `netns-jail relay NAME`, started by the jail's supervisor: the
/// listening sockets of the jail's `publish` and `host-service` lines and
/// the loop that copies bytes between them and their targets.
///
///  1. as root, in the host's namespace: the `publish` listeners (TCP on
///     the host's loopback, or Unix sockets with their owner and mode);
///  2. as root, a thread enters the jail's namespace and binds the
///     `host-service` listeners there (JailSocketThread);
///  3. the state file says what is served (RelayState);
///  4. root is dropped for good (RelayPrivileges);
///  5. the loop (RelayLoop). Outbound sockets for `publish` come from the
///     jail's thread, those for `host-service` from the main thread, which
///     stays in the host's namespace.
/// The jail gets no interface: the relay holds sockets in both namespaces.
public enum RelayProcess {
    public static func run(jail: JailDefinition) -> Never {
        _ = chdir("/")
        SystemLog.open()
        let paths = JailPaths(name: jail.name, interface: jail.interface)
        let parent = getppid()
        var loop: RelayLoop
        do throws(RelayFailure) {
            let account = try RelayPrivileges.account()
            loop = try prepare(jail, paths)
            guard RelayState.write(paths, serving: jail.relays.map(\.description)) else {
                throw RelayFailure("writing \(paths.relayStateFile)")
            }
            try RelayPrivileges.drop(to: account, parent: parent)
        } catch {
            _ = RelayState.write(paths, serving: [], failure: error.description)
            SystemLog.warning("\(jail.name): relay: \(error)")
            exit(1)
        }
        SystemLog.info("\(jail.name): relay serves \(jail.relays.map(\.description).joined(separator: "; "))")
        loop.run()
    }

    private static func prepare(_ jail: JailDefinition, _ paths: JailPaths) throws(RelayFailure) -> RelayLoop {
        var listeners: [RelayLoop.Listening] = []
        for relay in jail.relays where relay.direction == .publish {
            switch relay.listener {
            case .tcp(let endpoint):
                listeners.append(.init(fd: try RelaySocket.listenTCP(endpoint), relay: relay))
            case .unix(let socket):
                let (uid, gid) = try owner(socket)
                listeners.append(.init(fd: try RelaySocket.listenUnix(socket, uid: uid, gid: gid), relay: relay))
            }
        }
        let inJail = jail.relays.filter { $0.direction == .hostService }
        let endpoints = inJail.map { relay -> LoopbackEndpoint in
            guard case .tcp(let endpoint) = relay.listener else { preconditionFailure("host-service listens on TCP") }
            return endpoint
        }
        let (thread, fds) = try JailSocketThread.start(namespaceFile: paths.namespaceFile, listening: endpoints)
        for (fd, relay) in zip(fds, inJail) { listeners.append(.init(fd: fd, relay: relay)) }
        return RelayLoop(listeners: listeners) { relay in
            if relay.direction == .publish { return thread.makeSocket(relay.target.address.family) }
            let fd = RelaySocket.make(relay.target.address.family)
            return fd >= 0 ? fd : nil
        }
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

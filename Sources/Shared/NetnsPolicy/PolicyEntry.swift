/// One line of /etc/netns-exec.conf: a namespace, who may enter it, and the
/// conditions under which they may.
public struct PolicyEntry: Equatable, Sendable {
    public let namespace: NamespaceName
    public let members: [Member]
    /// `require=IFACE`: refuse to launch unless IFACE exists in the
    /// namespace and is up. This is how "the tunnel is down" is detected.
    public let requiredInterface: InterfaceName?
    /// `host-ptrace=allow`: launch even where the kernel offers neither
    /// Landlock nor Yama, so the jailed program may trace the user's
    /// processes outside the jail. See ProcessIsolation.
    public let allowsHostPtrace: Bool
    /// `state=shared`: the jailed program uses the user's own home, runtime
    /// directory and session bus, as outside. By default (`state=per-jail`)
    /// it gets the jail's session: a home, runtime directory and bus of the
    /// jail's own (JailState, JailRuntime, SessionBus in the launcher).
    public let sharesState: Bool
    /// Whether the jailed program may create user namespaces (and, inside
    /// them, the other kinds) and chroot: what the sandboxes of browsers and
    /// other self-sandboxing programs (Chromium, QtWebEngine, Firefox's
    /// content processes, Electron) are made of. The default (`userns=allow`)
    /// lets them keep their sandbox in the jail; `userns=deny` loads the
    /// filter that refuses both. Either way `setns` and every mount call stay
    /// refused; SECURITY.md, "Programs that sandbox themselves", says what
    /// the default opens and why.
    public let permitsUserNamespaces: Bool
    /// `resolver=host`: the namespace is meant to use the host's
    /// resolv.conf, so a missing /etc/netns/NAME (or one without
    /// resolv.conf) gives the host's /etc instead of a refusal. By default
    /// (`resolver=jail`) a jail never falls back to the host's resolvers;
    /// see EtcOverlay.
    public let usesHostResolver: Bool
    /// `share=DIR[,DIR...]`: folders of each user's home, relative to it,
    /// shared into the jail's home besides the XDG user directories (see
    /// SharedFolders in the launcher). Empty by default.
    public let sharedFolders: [String]
    /// Where the entry came from, for messages and logs.
    public let line: Int

    public init(namespace: NamespaceName, members: [Member],
                requiredInterface: InterfaceName?, allowsHostPtrace: Bool = false,
                sharesState: Bool = false, permitsUserNamespaces: Bool = true,
                usesHostResolver: Bool = false, sharedFolders: [String] = [], line: Int) {
        self.namespace = namespace
        self.members = members
        self.requiredInterface = requiredInterface
        self.allowsHostPtrace = allowsHostPtrace
        self.sharesState = sharesState
        self.permitsUserNamespaces = permitsUserNamespaces
        self.usesHostResolver = usesHostResolver
        self.sharedFolders = sharedFolders
        self.line = line
    }

    /// Whether a caller is let in. `isUser` answers "is this account name
    /// the caller's real uid?"; `isInGroup` answers "is the caller's real
    /// gid or a supplementary group this group?". The policy module makes
    /// no system calls itself; the launcher supplies both from the kernel.
    public func admits(isUser: (String) -> Bool, isInGroup: (String) -> Bool) -> Bool {
        for member in members {
            switch member {
            case .user(let name): if isUser(name) { return true }
            case .group(let name): if isInGroup(name) { return true }
            }
        }
        return false
    }
}

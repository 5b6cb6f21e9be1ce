import Glibc

/// The supervisor's side of `port-forward = natpmp`: starts the
/// PortForwarder thread once the gateway is known, and each round turns
/// what the thread published into the port files (PortForwardRecord) and
/// hook runs (PortForwardHook). Called from the supervisor's main thread
/// only, whether or not it got the jail's lock this round: none of this
/// changes the jail.
struct PortForwarding {
    let jail: JailDefinition
    let settings: PortForwardSettings
    let paths: JailPaths
    private var forwarder: PortForwarder?
    private var hook: PortForwardHook?
    private var written: (round: Int, live: Bool)?
    private var complained = false

    init?(jail: JailDefinition, paths: JailPaths, hook kept: PortForwardHook? = nil) {
        guard let settings = jail.portForward else { return nil }
        self.jail = jail
        self.settings = settings
        self.paths = paths
        // A running hook is kept: it is the supervisor's child.
        if let kept { hook = kept; return }
        if let user = settings.hookUser, !settings.hook.isEmpty {
            hook = PortForwardHook(jail: jail.name.value, paths: paths, command: settings.hook, user: user)
            hook?.timeout = Double(settings.hookTimeout)
        }
    }

    mutating func tick() {
        guard let forwarder = forwarder ?? start() else { return }
        let state = forwarder.state.withLock { $0 }
        let now = Int(time(nil))
        let record = PortForwardRecord(port: state.port.map(Int.init), lease: state.lease, renewed: state.renewed,
                                       publicAddress: state.publicAddress, error: state.error)
        let live = record.live(now: now)
        if written?.round != state.round || written?.live != live {
            if written?.live == true && !live, let port = state.port {
                SystemLog.warning("\(jail.name): forwarded port \(port) lapsed (not renewed for \(now - state.renewed) s)")
            }
            record.write(paths, now: now)
            written = (state.round, live)
        }
        hook?.tick(port: live ? state.port : nil, now: monotonicSeconds())
    }

    /// Why the gateway forwards no port: its first round failed and none
    /// has succeeded since; nil while it has not tried yet or maps a port.
    var refusal: String? {
        guard let state = forwarder?.state.withLock({ $0 }), state.renewed == 0, state.round > 0 else { return nil }
        return state.error.map { "it forwards no port (\($0))" }
    }

    /// The jail moved to another server: its gateway is asked from
    /// scratch by a new thread (the port held is asked for first), and
    /// the hook gets what it grants.
    mutating func restart(jail: JailDefinition) {
        forwarder?.stop()
        forwarder = nil
        self = PortForwarding(jail: jail, paths: paths, hook: hook) ?? self
    }

    /// The supervisor reaped a child; true when it was the hook.
    mutating func reaped(_ pid: pid_t, status: Int32) -> Bool {
        hook?.reaped(pid, status: status, now: monotonicSeconds()) ?? false
    }

    /// The gateway comes from the WireGuard config unless configured, so
    /// the thread starts once that can be read; in an OpenVPN jail it is
    /// the IPv4 gateway the server pushed (`route-gateway`, else the
    /// server's end of the tunnel: OpenVPNPush), known once the push is
    /// recorded.
    private mutating func start() -> PortForwarder? {
        let found: IPAddress?
        if jail.openvpn != nil {
            guard let push = OpenVPNPush.recorded(paths) else { return nil }
            found = settings.gateway ?? push.gateway4
        } else {
            let config: WireGuardConfig
            do { config = try ConfigLoader.wireguard(for: jail, warn: false) } catch { return nil }
            found = settings.gateway(for: config)
        }
        guard let gateway = found else {
            let text = jail.openvpn != nil
                ? "no gateway: set port-forward-gateway (the OpenVPN server pushed no IPv4 gateway)"
                : "no gateway: set port-forward-gateway (the WireGuard config has no IPv4 DNS server)"
            if !complained {
                SystemLog.warning("\(jail.name): port forwarding: \(text)")
                PortForwardRecord(port: nil, lease: 0, renewed: 0, publicAddress: nil, error: text).write(paths, now: 0)
            }
            complained = true
            return nil
        }
        let previous = PortForwardRecord.read(paths)?.port.flatMap { UInt16(exactly: $0) }
        let started = PortForwarder(jail: jail.name.value, namespaceFile: paths.namespaceFile, gateway: gateway,
                                    lifetime: settings.lifetime, port: previous)
        started.start()
        forwarder = started
        return started
    }
}

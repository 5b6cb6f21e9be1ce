import Glibc
import NetnsPolicy

/// The tunnel part of a jail whose tunnel is OpenVPN: the second
/// implementation of JailTunnel, beside WireGuardTunnel.
///
/// `install` stops what an earlier OpenVPN left, starts OpenVPN
/// (OpenVPNTunnel) after the kill switch exists, and returns once its hook
/// has moved the device into the jail and recorded the push: OpenVPN
/// opens its device only when the server has answered, so the connection
/// is made here and `awaitConnection` has nothing left to wait for. The
/// pushed resolvers (or the section's `dns`; neither: one line and the
/// rollback) replace the jail's resolv.conf here too, since only now are
/// they known. `route` applies the recorded push inside the jail.
struct OpenVPNJailTunnel: JailTunnel {
    let jail: JailDefinition
    var interface: InterfaceName { jail.interface }
    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    static let name = "openvpn"

    func install(_ live: TunnelLive, rollback: Rollback,
                 step: (StepPause.Step) throws(JailError) -> Void) throws(JailError) -> String {
        let (config, credentials) = try ConfigLoader.openvpn(for: jail, warn: false)
        try OpenVPNTunnel.remove(paths)
        let user = try OpenVPNUser.lookup()
        let client = OpenVPNClientFile(config: config, source: jail.openvpn?.config ?? "", interface: jail.interface,
                                       credentials: credentials, user: user.name, group: user.group,
                                       hook: OpenVPNTunnel.hookCommand(paths), credentialsFile: paths.openvpnCredentialsFile,
                                       management: OpenVPNManagement.socket(paths))
        let tunnel = OpenVPNTunnel(paths: paths, client: client)
        let pid = try tunnel.start(rollback: rollback, step: step)
        try step(.tunnelCreated)
        let push = try tunnel.waitForPush(pid: pid, timeout: Self.connectTimeout)
        try step(.tunnelMoved)
        if push.dnsServers.isEmpty && (jail.openvpn?.dns ?? []).isEmpty {
            throw .failure("the OpenVPN server pushed no DNS server and [\(jail.name)] names none, so jailed lookups would have nowhere to go; add 'dns = ADDRESS' (the provider's resolver) to [\(jail.name)]")
        }
        try JailResolvConf(jail: jail, config: OpenVPNPush.view(jail, push: push)).install(rollback: nil)
        return Self.name
    }

    /// OpenVPN's own connect: TLS, the password, the push. Generous, since
    /// it may try several remotes.
    static let connectTimeout = 45.0

    func implementation(_ live: TunnelLive) -> String { Self.name }

    func route() throws(JailError) {
        guard let push = OpenVPNPush.recorded(paths) else {
            throw .failure("\(paths.openvpnPushFile) is missing or damaged; run netns-jail up \(jail.name) to connect OpenVPN again")
        }
        try OpenVPNTunnel.route(paths, push)
    }

    /// Connected already: the push arrives only over a working session.
    func awaitConnection(timeout: Double) throws(JailError) {}

    func settle(_ live: TunnelLive) {}

    /// A changed .ovpn takes a new OpenVPN (`down`, then `up`); nothing of
    /// it is applied to the live tunnel.
    func applyEdits(_ live: TunnelLive) throws(JailError) -> [String] { [] }

    static func remove(_ paths: JailPaths, namespaceExists: Bool) throws(JailError) {
        // OpenVPN first: its device goes with it.
        try OpenVPNTunnel.remove(paths)
        if namespaceExists {
            _ = ExternalTool.ip.runInside(paths.name.value, ["link", "del", "dev", paths.interface.value])
            if ExternalTool.ip.runInside(paths.name.value, ["link", "show", "dev", paths.interface.value]).succeeded {
                throw .failure("removing \(paths.interface) from \(paths.name) failed")
            }
        }
    }

    static func hasLeftovers(_ paths: JailPaths) -> Bool {
        access(paths.openvpnPidFile, F_OK) == 0 || OpenVPNTunnel.recordedProcess(paths) != nil
    }

    static func stopForRebuild(_ paths: JailPaths) { try? OpenVPNTunnel.remove(paths) }
}

/// What `verify` and `status` check only in an OpenVPN jail.
enum OpenVPNJail {
    /// What only an OpenVPN jail can lack: its OpenVPN process, recorded
    /// (`openvpnPidFile`) and no longer running.
    static func deadProcess(_ paths: JailPaths) -> String? {
        guard access(paths.openvpnPidFile, F_OK) == 0, OpenVPNTunnel.recordedProcess(paths) == nil else { return nil }
        return "the openvpn process recorded in \(paths.openvpnPidFile) is not running"
    }
}

/// The unprivileged user OpenVPN becomes once its device is open: the
/// system's `nobody`, with its own primary group (`nogroup` on Debian,
/// `nobody` on Slackware). It owns nothing and holds no file of the jail.
enum OpenVPNUser {
    static func lookup() throws(JailError) -> (name: String, group: String) {
        guard let user = getpwnam("nobody") else {
            throw .failure("there is no user 'nobody' for OpenVPN to run as after setup; create it (useradd -r nobody)")
        }
        guard let group = getgrgid(user.pointee.pw_gid) else {
            throw .failure("the primary group of 'nobody' (gid \(user.pointee.pw_gid)) has no name; fix /etc/group")
        }
        return ("nobody", String(cString: group.pointee.gr_name))
    }
}

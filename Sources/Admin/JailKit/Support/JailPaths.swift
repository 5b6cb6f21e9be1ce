import NetnsPolicy
import NetnsHost

/// Every file a jail owns, in one place.
public struct JailPaths: Sendable {
    public let name: NamespaceName
    public let interface: InterfaceName

    public init(name: NamespaceName, interface: InterfaceName) {
        self.name = name
        self.interface = interface
    }

    /// The host's well-known paths are HostPaths' (NetnsHost), which the
    /// launcher reads too.
    public static let stateDirectory = HostPaths.jailState
    public static let etcNetns = HostPaths.etcNetns

    /// The bind mount `ip netns add` creates and the launcher opens.
    public var namespaceFile: String { HostPaths.namespaceFile(name.value) }
    /// The wireguard-go process that carries the tunnel, when there is one.
    public var pidFile: String { "\(JailPaths.stateDirectory)/\(name).pid" }
    /// The jail's supervisor (netns-jail supervise NAME).
    public var supervisorPidFile: String { "\(JailPaths.stateDirectory)/\(name).supervisor.pid" }
    /// The provider-forwarded port (PortForwardRecord), readable by all.
    public var portFile: String { "\(JailPaths.stateDirectory)/\(name).port" }
    public var portForwardFile: String { "\(JailPaths.stateDirectory)/\(name).port-forward" }
    /// What the supervisor's tunnel probe last saw (ProbeRecord).
    public var probeFile: String { "\(JailPaths.stateDirectory)/\(name).probe" }
    /// A pool's server in use and each server's last result (PoolRecord).
    public var poolFile: String { "\(JailPaths.stateDirectory)/\(name).pool" }
    /// The output of the last port-forward hook run.
    public var portForwardHookLog: String { "\(JailPaths.stateDirectory)/\(name).port-forward-hook.log" }
    /// What the jail's relay (netns-jail relay NAME) serves, or why it failed.
    public var relayStateFile: String { "\(JailPaths.stateDirectory)/\(name).relay" }
    /// `up` asks for a relay of the current configuration by renaming the
    /// running relay's record to this; the new relay takes over from it.
    public var relayHandoverFile: String { "\(JailPaths.stateDirectory)/\(name).relay.handover" }
    /// The jail's own directory, root's (0755): published Unix sockets
    /// (RelaySpec) and the live resolv.conf.
    public var jailDirectory: String { HostPaths.jailDirectory(name.value) }
    /// The jail's resolvers as running programs read them: the launcher
    /// makes the jail's /etc/resolv.conf a link to this file, which `up`
    /// replaces by rename whenever the resolvers change (a switch to
    /// another server, a live edit), so programs already running follow.
    /// The same text as `resolvConf`, which new launches require.
    public var liveResolvConf: String { HostPaths.liveResolvConf(name.value) }
    public var logFile: String { "\(JailPaths.stateDirectory)/\(name).wireguard-go.log" }
    /// An OpenVPN jail: the file OpenVPN reads (OpenVPNClientFile, 0600:
    /// it holds the key), the OpenVPN process, its log,
    /// and what the server pushed (OpenVPNHook).
    public var openvpnConfigFile: String { "\(JailPaths.stateDirectory)/\(name).openvpn.conf" }
    /// The user name and password OpenVPN reads (0600, root's).
    public var openvpnCredentialsFile: String { "\(JailPaths.stateDirectory)/\(name).openvpn.auth" }
    public var openvpnPidFile: String { "\(JailPaths.stateDirectory)/\(name).openvpn.pid" }
    public var openvpnLogFile: String { "\(JailPaths.stateDirectory)/\(name).openvpn.log" }
    public var openvpnPushFile: String { "\(JailPaths.stateDirectory)/\(name).openvpn-push" }
    public var etcDirectory: String { HostPaths.etcDirectory(name.value) }
    public var resolvConf: String { "\(etcDirectory)/resolv.conf" }
    /// wireguard-go's control socket; `wg` finds a userspace interface here
    /// whatever network namespace the interface has moved to.
    public var uapiSocket: String { "/var/run/wireguard/\(interface).sock" }
}

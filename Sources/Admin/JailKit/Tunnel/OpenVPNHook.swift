import Glibc
import NetnsPolicy

/// `netns-jail openvpn-up NAME IFACE`: the only program OpenVPN runs for a
/// jail, as its `up` command, once the tun device is open and before
/// OpenVPN gives up root.
///
/// OpenVPN runs it from the descriptor netns-jail handed it
/// (`/proc/self/fd/3`, the netns-jail binary that started OpenVPN, opened
/// once: SECURITY.md "What root runs"), never by a path a provider's file
/// or a directory could change. It does two things and configures nothing
/// else: it moves the new device into the jail, where the kill switch is
/// already in place (until then the device has no address and is down in
/// our namespace, so nothing can use it), and it records what the server
/// pushed (OpenVPNPush, each value parsed) for `up` to apply inside the
/// jail. Any failure exits non-zero, and OpenVPN then stops: `up` fails
/// and rolls back.
public enum OpenVPNHook {
    /// The environment variables it reads; OpenVPN sets many more.
    static let variables = ["dev", "ifconfig_local", "ifconfig_netmask", "ifconfig_remote", "route_vpn_gateway",
                            "ifconfig_ipv6_local", "ifconfig_ipv6_netbits", "ifconfig_ipv6_remote", "tun_mtu",
                            "trusted_ip", "trusted_port"]

    public static func run(name: NamespaceName, interface: InterfaceName) throws(JailError) {
        var environment: [String: String] = [:]
        for key in variables { if let value = getenv(key) { environment[key] = String(cString: value) } }
        for index in 1...256 {
            guard let value = getenv("foreign_option_\(index)") else { break }
            environment["foreign_option_\(index)"] = String(cString: value)
        }
        guard environment["dev"] == interface.value else {
            throw .failure("openvpn-up: OpenVPN opened \(Quoted.text(environment["dev"] ?? "")), not \(interface)")
        }
        let paths = JailPaths(name: name, interface: interface)
        let push = OpenVPNPush(environment: environment)
        for reason in push.dropped { Console.warn("\(name): ignoring what the server pushed: \(reason)") }
        // Moved only into the jail's own namespace: the file must be the
        // namespace `up` made, which the kill switch already guards.
        guard OpenVPNTunnel.namespaceExists(paths) else {
            throw .failure("openvpn-up: \(paths.namespaceFile) is missing; the device stays here, down and without address")
        }
        try ExternalTool.ip.run(["link", "set", "dev", interface.value, "netns", name.value]).check("moving \(interface) into \(name)")
        try ResolvConf.write(push.record, to: paths.openvpnPushFile, mode: 0o600)
    }
}

import CLinux
import NetnsPolicy

/// The `require=IFACE` check. It runs inside the namespace, after setns and
/// before anything else, so a jail whose tunnel is missing or down is never
/// used: the program would not leak (the kill switch holds), but the user
/// would wait on a dead network without being told why.
public enum Tunnel {
    public static func requireUp(_ interface: InterfaceName, in namespace: NamespaceName) throws(Refusal) {
        let state = cl_interface_is_up(interface.value)
        if state == 1 { return }
        if state == 0 || cl_errno() == ENODEV {
            throw .denied("the tunnel is down: interface \(interface) in \(namespace) is \(state == 0 ? "down" : "missing"); ask an administrator to run netns-jail up \(namespace)")
        }
        throw .system(call: "ioctl SIOCGIFFLAGS", path: interface.value, errno: cl_errno())
    }
}

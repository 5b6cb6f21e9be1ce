import Glibc

/// What an OpenVPN jail needs here: the `openvpn` program (from the fixed
/// system directories, like every tool netns-jail runs) and its version,
/// and a tun device, proved by making one in the probe namespace (which
/// needs /dev/net/tun and the tun driver, loaded on demand). A system with
/// only WireGuard jails needs neither, so a missing one is a warning that
/// says what an OpenVPN jail would need, not a failure.
enum OpenVPNCheck {
    static let probeInterface = "tunprobe"

    static func run(in namespace: ProbeNamespace) -> [SystemCheck] {
        [program(), tun(in: namespace)]
    }

    static func program() -> SystemCheck {
        guard let path = ExternalTool.openvpn.path else {
            return SystemCheck(.warn, "openvpn", "not installed; OpenVPN jails need it: install openvpn")
        }
        let version = ExternalTool.openvpn.run(["--version"])
        // `--version` exits 1 by design; its first line names the version.
        let first = version.output.split(separator: "\n").first.map(String.init) ?? ""
        guard first.hasPrefix("OpenVPN ") else {
            return SystemCheck(.warn, "openvpn", "\(path) did not print its version (\(version.reason)); OpenVPN jails may not start")
        }
        let words = first.split(separator: " ")
        return SystemCheck(.ok, "openvpn", "\(path), \(words.prefix(2).joined(separator: " "))")
    }

    static func tun(in namespace: ProbeNamespace) -> SystemCheck {
        var st = stat()
        guard stat("/dev/net/tun", &st) == 0, (st.st_mode & S_IFMT) == S_IFCHR else {
            return SystemCheck(.warn, "tun", "/dev/net/tun is missing; OpenVPN jails need it: load the tun module (modprobe tun) or create it (mknod /dev/net/tun c 10 200)")
        }
        let made = ExternalTool.ip.runInside(namespace.name, ["tuntap", "add", "dev", probeInterface, "mode", "tun"])
        guard made.succeeded else {
            return SystemCheck(.warn, "tun", "no tun device can be made (\(made.reason)); OpenVPN jails need the tun driver (CONFIG_TUN)")
        }
        return SystemCheck(.ok, "tun", "/dev/net/tun")
    }
}

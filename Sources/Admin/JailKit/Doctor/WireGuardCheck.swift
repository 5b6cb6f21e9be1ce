/// Which WireGuard `netns-jail up` will use: the kernel's when an interface
/// of that type can be made (the probe also loads the module if it is
/// built as one), else wireguard-go; and whether `wg`, which configures
/// either, is installed.
enum WireGuardCheck {
    static let probeInterface = "wgprobe"

    static func run(in namespace: ProbeNamespace) -> [SystemCheck] {
        [implementation(in: namespace), tools()]
    }

    static func implementation(in namespace: ProbeNamespace) -> SystemCheck {
        let kernel = ExternalTool.ip.runInside(namespace.name, ["link", "add", probeInterface, "type", "wireguard"])
        if kernel.succeeded {
            return SystemCheck(.ok, "wireguard", WireGuardImplementation.kernel.rawValue)
        }
        if let userspace = ExternalTool.wireguardGo.path {
            return SystemCheck(.ok, "wireguard", "\(WireGuardImplementation.userspace.rawValue) at \(userspace) (userspace; kernel WireGuard would be faster but is not available: \(kernel.reason))")
        }
        return SystemCheck(.fail, "wireguard", "no kernel WireGuard (\(kernel.reason)) and no wireguard-go; install wireguard-go, or run a kernel with WireGuard (CONFIG_WIREGUARD, Linux 5.6+)")
    }

    static func tools() -> SystemCheck {
        guard let wg = ExternalTool.wg.path else {
            return SystemCheck(.fail, "wg", "not found in \(ExternalTool.directories.joined(separator: ":")); install wireguard-tools")
        }
        return SystemCheck(.ok, "wg", wg)
    }
}

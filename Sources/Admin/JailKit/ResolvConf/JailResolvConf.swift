import FoundationEssentials
import Glibc

/// /etc/netns/NAME/resolv.conf as a part of a jail: put in first by `up`
/// and taken out last by `down`, so that no launch ever finds the
/// namespace without it (the launcher refuses such a launch rather than
/// give it the host's resolvers, unless the namespace's policy line says
/// resolver=host).
struct JailResolvConf {
    let jail: JailDefinition
    let config: WireGuardConfig

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// Step 1 of `up`, before the namespace exists. `rollback` is nil when
    /// the namespace already existed: then the file must stay whatever
    /// happens later, since removing it would make every launch fail (or,
    /// under resolver=host, hand the host's resolvers to the next program
    /// launched).
    func install(rollback: Rollback?) throws(JailError) {
        let paths = self.paths
        let source = jail.openvpn?.config ?? jail.wireguard
        let text = ResolvConf(config).text(jail: jail.name.value, source: source)
        let previous = try? Data(contentsOf: URL(fileURLWithPath: paths.resolvConf))
        if let previous, String(decoding: previous, as: UTF8.self) == text { return }
        // An OpenVPN jail gets its resolvers from the push (OpenVPNJail),
        // after this file first exists without one.
        if config.interface.dnsServers.isEmpty && jail.openvpn == nil {
            Console.warn("\(source) has no DNS server; name lookups in \(jail.name) will fail")
        } else if config.interface.dnsServers.count > 3 {
            Console.warn("\(source) lists \(config.interface.dnsServers.count) DNS servers; the C library uses only the first 3")
        }
        _ = try ResolvConf.ensureDirectory(JailPaths.etcNetns)
        let created = try ResolvConf.ensureDirectory(paths.etcDirectory)
        rollback?.register(created ? "remove \(paths.etcDirectory)" : "restore \(paths.resolvConf)") {
            if created {
                try? FileManager.default.removeItem(atPath: paths.resolvConf)
                rmdir(paths.etcDirectory)
            } else if let previous {
                try? ResolvConf.write(String(decoding: previous, as: UTF8.self), to: paths.resolvConf)
            } else {
                try? FileManager.default.removeItem(atPath: paths.resolvConf)
            }
        }
        try ResolvConf.write(text, to: paths.resolvConf)
    }

    /// Last of `down`: the namespace file is gone, so no launch can find
    /// the jail without its resolv.conf. Other files an administrator put
    /// in /etc/netns/NAME stay.
    static func remove(_ paths: JailPaths) throws(JailError) {
        if unlink(paths.resolvConf) != 0 && errno != ENOENT {
            throw .failure("removing \(paths.resolvConf): \(String(cString: strerror(errno)))")
        }
        if rmdir(paths.etcDirectory) != 0 && errno == ENOTEMPTY {
            Console.note("kept \(paths.etcDirectory): it holds files netns-jail did not write")
        }
    }
}

import FoundationEssentials
import Glibc

/// The jail's resolvers as a part of a jail, in two files of the same
/// text: /etc/netns/NAME/resolv.conf, which every launch requires, and
/// /run/netns-jail/NAME/resolv.conf, the live one that the jail's
/// /etc/resolv.conf links to (JailPaths.liveResolvConf), so programs
/// already running read the resolvers a switch or a live edit put in.
/// Both are put in first by `up` and taken out last by `down`, so that no
/// launch ever finds the namespace without them (the launcher refuses such
/// a launch rather than give it the host's resolvers, unless the
/// namespace's policy line says resolver=host). Both are root's, 0644, in
/// root's 0755 directories, replaced by rename: a jailed program can read
/// them and change neither them nor what the link names.
struct JailResolvConf {
    let jail: JailDefinition
    let config: WireGuardConfig

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// Step 1 of `up`, before the namespace exists. `rollback` is nil when
    /// the namespace already existed: then the files must stay whatever
    /// happens later, since removing them would make every launch fail (or,
    /// under resolver=host, hand the host's resolvers to the next program
    /// launched).
    func install(rollback: Rollback?) throws(JailError) {
        let paths = self.paths
        let source = jail.openvpn?.config ?? jail.wireguard
        let text = ResolvConf(config).text(jail: jail.name.value, source: source)
        let previous = try? Data(contentsOf: URL(fileURLWithPath: paths.resolvConf))
        let previousLive = try? Data(contentsOf: URL(fileURLWithPath: paths.liveResolvConf))
        let same = { (data: Data?) in data.map { String(decoding: $0, as: UTF8.self) == text } ?? false }
        if same(previous) && same(previousLive) { return }
        // An OpenVPN jail gets its resolvers from the push (OpenVPNJail),
        // after this file first exists without one.
        if config.interface.dnsServers.isEmpty && jail.openvpn == nil {
            Console.warn("\(source) has no DNS server; name lookups in \(jail.name) will fail")
        } else if config.interface.dnsServers.count > 3 {
            Console.warn("\(source) lists \(config.interface.dnsServers.count) DNS servers; the C library uses only the first 3")
        }
        _ = try ResolvConf.ensureDirectory(JailPaths.etcNetns)
        let created = try ResolvConf.ensureDirectory(paths.etcDirectory)
        _ = try ResolvConf.ensureDirectory(JailPaths.stateDirectory)
        let createdLive = try ResolvConf.ensureDirectory(paths.jailDirectory)
        rollback?.register(created ? "remove \(paths.etcDirectory)" : "restore \(paths.resolvConf)") {
            JailResolvConf.restore(paths.resolvConf, previous)
            if created { rmdir(paths.etcDirectory) }
            JailResolvConf.restore(paths.liveResolvConf, previousLive)
            if createdLive { rmdir(paths.jailDirectory) }
        }
        // The live file first: a launch that finds the new text in
        // /etc/netns/NAME links to a file that already holds it.
        try ResolvConf.write(text, to: paths.liveResolvConf)
        try ResolvConf.write(text, to: paths.resolvConf)
    }

    private static func restore(_ path: String, _ previous: Data?) {
        if let previous {
            try? ResolvConf.write(String(decoding: previous, as: UTF8.self), to: path)
        } else {
            unlink(path)
        }
    }

    /// Last of `down`: the namespace file is gone, so no launch can find
    /// the jail without its resolv.conf. Other files an administrator put
    /// in /etc/netns/NAME stay.
    static func remove(_ paths: JailPaths) throws(JailError) {
        for path in [paths.liveResolvConf, paths.resolvConf] {
            if unlink(path) != 0 && errno != ENOENT {
                throw .failure("removing \(path): \(String(cString: strerror(errno)))")
            }
        }
        rmdir(paths.jailDirectory)
        if rmdir(paths.etcDirectory) != 0 && errno == ENOTEMPTY {
            Console.note("kept \(paths.etcDirectory): it holds files netns-jail did not write")
        }
    }
}

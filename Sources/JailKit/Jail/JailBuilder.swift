import FoundationEssentials
import Glibc

/// `netns-jail up`: builds one jail, or repairs what an interrupted `up`, a
/// dead wireguard-go or a downed link left, failing closed.
///
/// The order is what keeps a jailed program from ever seeing the host:
///  1. /etc/netns/NAME/resolv.conf, before the namespace file exists: the
///     launcher gives a jail without /etc/netns/NAME the host's /etc, and a
///     program launched then would keep the host's resolvers for its life;
///  2. the namespace (only lo);
///  3. the kill switch, before any other interface exists there;
///  4. the tunnel, created here (its UDP socket stays in our namespace), keys
///     and peers loaded, then moved in;
///  5. addresses, links and default routes;
///  6. the wait for a first handshake.
/// Every step checks what is already there, so running `up` again after a
/// SIGKILL at any point finishes the jail instead of refusing it. Each step
/// that creates something registers its undo; if a later step throws, the
/// rollback removes what this run created (never the namespace or
/// resolv.conf of a jail that existed before, where programs may run).
public struct JailBuilder {
    public enum Outcome: Sendable {
        case alreadyHealthy
        case built(WireGuardImplementation)
        /// What was wrong and is now put right, and the config's edits
        /// applied, in the namespace that was there.
        case repaired(repairs: [String], edits: [String])
    }

    public let jail: JailDefinition
    public let config: WireGuardConfig
    public var forceUserspace = false
    /// Seconds to wait for a handshake with every peer that has an endpoint;
    /// 0 skips the check.
    public var handshakeTimeout = 15.0

    public init(jail: JailDefinition, config: WireGuardConfig) {
        self.jail = jail
        self.config = config
    }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }

    /// Rebuild a jail whose namespace holds what netns-jail did not make
    /// (or an interface under a name the config no longer gives): the old
    /// namespace is removed first, and the programs in it lose the network.
    public var rebuild = false
    /// Called once the namespace exists (`up` starts the supervisor there:
    /// it waits for our lock, so if this `up` is killed, the supervisor
    /// finishes the jail; if `up` fails and rolls back, it finds no
    /// namespace and stops).
    public var namespaceReady: (() -> Void)?
    /// Apply the config's edits to a running jail (LiveEdit). The
    /// supervisor only repairs; edits are the administrator's `up`.
    public var applyEdits = true

    /// The caller holds the jail's lock (JailLock).
    public func up() throws(JailError) -> Outcome {
        let name = jail.name.value, iface = jail.interface.value
        var state = JailInspection.inspect(paths)
        if state.namespaceExists {
            let breaches = JailVerification.structural(state, config: config)
            let foreign = breaches.filter { !$0.repairable }.map(\.text)
            if foreign.isEmpty {
                // Edits first, so that what they change (a keepalive, the
                // MTU) is reported as an edit, not as damage repaired.
                let edits = applyEdits ? try LiveEdit(jail: jail, config: config).apply(state) : []
                if !edits.isEmpty { state = JailInspection.inspect(paths) }
                let repairs = JailVerification.structural(state, config: config)
                if !repairs.isEmpty { _ = try runSteps(state) }
                return repairs.isEmpty && edits.isEmpty ? .alreadyHealthy : .repaired(repairs: repairs.map(\.text), edits: edits)
            }
            guard rebuild else { throw .failure(refusal(foreign, inside: state.processes)) }
            try removeForRebuild(state)
            state = JailInspection.inspect(paths)
        } else if WireGuardDevice.exists(jail.interface) && state.wireguardGoPID == nil {
            throw .failure("an interface named \(iface) already exists here; remove it or set another 'interface =' for [\(name)]")
        }
        return .built(try runSteps(state))
    }

    private func refusal(_ foreign: [String], inside: [JailedProcess]) -> String {
        let name = jail.name.value
        var text = "\(name) exists but \(foreign.joined(separator: "; ")); nothing was changed; this needs a new namespace"
        if !inside.isEmpty {
            let list = inside.prefix(5).map { "PID \($0.pid) \($0.command)" }.joined(separator: ", ")
            text += ", and the \(inside.count) program(s) inside (\(list)\(inside.count > 5 ? ", ..." : "")) would keep the old one, without network"
        }
        return text + "; fix it, or pass --force to rebuild \(name)"
    }

    /// --force: the old namespace goes (its links first, so a wireguard-go
    /// of an earlier interface name sees its device vanish), the new one is
    /// built from scratch.
    private func removeForRebuild(_ state: JailInspection) throws(JailError) {
        let name = jail.name.value
        for link in state.links where link.name != "lo" {
            _ = ExternalTool.ip.run(["-n", name, "link", "del", "dev", link.name])
        }
        if let pid = WireGuardDevice.recordedProcess(paths, anyInterface: true) {
            ProcessesInside.terminate([pid], grace: 3)
        }
        unlink(paths.pidFile)
        try ExternalTool.ip.run(["netns", "del", name]).check("deleting the old namespace \(name)")
        Console.note("removed the old namespace \(name) to rebuild it\(state.processes.isEmpty ? "" : "; \(state.processes.count) program(s) stay in it without network")")
    }

    /// The steps under a rollback, with signals turned into a failure
    /// between steps.
    private func runSteps(_ state: JailInspection) throws(JailError) -> WireGuardImplementation {
        let rollback = Rollback()
        Interruption.arm()
        defer { Interruption.disarm() }
        do {
            let implementation = try converge(state, rollback)
            rollback.commit()
            return implementation
        } catch {
            rollback.run()
            throw error
        }
    }

    private func step(_ done: StepPause.Step) throws(JailError) {
        StepPause.after(done)
        try Interruption.check()
    }

    private func converge(_ state: JailInspection, _ rollback: Rollback) throws(JailError) -> WireGuardImplementation {
        let name = jail.name.value
        let ip = ExternalTool.ip
        let fresh = !state.namespaceExists

        try writeResolvConf(rollback: fresh ? rollback : nil)
        try step(.resolvConf)

        if fresh {
            try ip.run(["netns", "add", name]).check("creating namespace \(name)")
            rollback.register("delete namespace \(name)") { _ = ip.run(["netns", "del", name]) }
        }
        namespaceReady?()
        try step(.namespace)

        // One transaction: when an altered ruleset is replaced, there is no
        // moment without a filter.
        if KillSwitch(tunnel: jail.interface).compare(liveRuleset: state.liveRuleset ?? "") != .intact {
            let ruleset = (fresh ? "" : "flush ruleset\n") + KillSwitch(tunnel: jail.interface).ruleset
            _ = try nftPath()
            try ExternalTool.nft.runInside(name, ["-f", "-"], input: ruleset)
                .check("installing the kill switch in \(name)")
        }
        try step(.killSwitch)

        var implementation: WireGuardImplementation = state.pidFileExists ? .userspace : .kernel
        let newTunnel = state.tunnel == nil
        if newTunnel {
            try WireGuardDevice.removeStale(paths, state: state)
            // A repair keeps the implementation the jail had: a killed
            // wireguard-go is replaced by wireguard-go, not by the kernel's.
            implementation = try createTunnel(rollback, userspace: forceUserspace || state.pidFileExists)
        }
        // Cheap (seven `ip` runs) and idempotent, so it runs whenever `up`
        // changes anything: a downed link also loses its routes.
        try configureInside()
        try step(.routes)

        if newTunnel {
            if handshakeTimeout > 0 { try HandshakeWait(jail: jail, config: config, timeout: handshakeTimeout).run() }
        } else {
            HandshakeWait(jail: jail, config: config, timeout: 0).restoreKeepalives(live: state.peers)
        }
        try Interruption.check()
        return implementation
    }

    /// Step 4: the interface, its keys and peers (the private key goes
    /// through a pipe), the MTU while wireguard-go can still see it, the move.
    private func createTunnel(_ rollback: Rollback, userspace: Bool) throws(JailError) -> WireGuardImplementation {
        let name = jail.name.value, iface = jail.interface.value
        let implementation = try WireGuardDevice.create(paths, forceUserspace: userspace, rollback: rollback)
        try ExternalTool.wg.run(["setconf", iface, "/dev/stdin"], input: config.setconfText).check("loading the WireGuard config into \(iface)")
        try ExternalTool.ip.run(["link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface)")
        try step(.tunnelCreated)
        try ExternalTool.ip.run(["link", "set", "dev", iface, "netns", name]).check("moving \(iface) into \(name)")
        try step(.tunnelMoved)
        return implementation
    }

    private var mtu: Int { config.interface.mtu ?? 1420 }

    /// Step 5, in forms that may run again on a half-configured jail.
    private func configureInside() throws(JailError) {
        let name = jail.name.value, iface = jail.interface.value
        let ip = ExternalTool.ip
        for address in config.interface.addresses {
            try ip.run(["-n", name, "address", "replace", address.description, "dev", iface]).check("adding address \(address) to \(iface)")
        }
        try ip.run(["-n", name, "link", "set", "dev", iface, "mtu", String(mtu)]).check("setting the MTU of \(iface) in \(name)")
        try ip.run(["-n", name, "link", "set", "dev", "lo", "up"]).check("bringing lo up in \(name)")
        try ip.run(["-n", name, "link", "set", "dev", iface, "up"]).check("bringing \(iface) up in \(name)")
        for family in config.families {
            let flag = family == .ipv4 ? "-4" : "-6"
            try ip.run(["-n", name, flag, "route", "replace", "default", "dev", iface]).check("adding the \(family) default route via \(iface)")
        }
    }

    private func nftPath() throws(JailError) -> String {
        guard let path = ExternalTool.nft.path else { throw .failure("nft is not installed; install nftables") }
        return path
    }

    /// Step 1. `rollback` is nil when the namespace already existed: then
    /// the file must stay whatever happens later, since removing it would
    /// hand the host's resolvers to the next program launched.
    private func writeResolvConf(rollback: Rollback?) throws(JailError) {
        let paths = self.paths
        let text = ResolvConf(config).text(jail: jail.name.value, source: jail.wireguard)
        let previous = try? Data(contentsOf: URL(fileURLWithPath: paths.resolvConf))
        if let previous, String(decoding: previous, as: UTF8.self) == text { return }
        if config.interface.dnsServers.isEmpty {
            Console.warn("\(jail.wireguard) has no DNS server; name lookups in \(jail.name) will fail")
        } else if config.interface.dnsServers.count > 3 {
            Console.warn("\(jail.wireguard) lists \(config.interface.dnsServers.count) DNS servers; the C library uses only the first 3")
        }
        _ = try ResolvConf.ensureDirectory(JailPaths.etcNetns)
        let created = try ResolvConf.ensureDirectory(paths.etcDirectory)
        rollback?.register(created ? "remove \(paths.etcDirectory)" : "restore \(paths.resolvConf)") {
            if created {
                try? FileManager.default.removeItem(atPath: paths.resolvConf)
                rmdir(paths.etcDirectory)
            } else if let previous {
                try? ResolvConf.install(String(decoding: previous, as: UTF8.self), at: paths.resolvConf)
            } else {
                try? FileManager.default.removeItem(atPath: paths.resolvConf)
            }
        }
        try ResolvConf.install(text, at: paths.resolvConf)
    }
}

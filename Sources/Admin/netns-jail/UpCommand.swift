import ArgumentParser
import Glibc
import JailKit

struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Build, repair or update a jail: resolv.conf, namespace, kill switch, WireGuard tunnel, routes, supervisor.",
        discussion: """
            Steps run in order and fail closed: if one fails, everything this run created is removed. \
            /etc/netns/NAME/resolv.conf is written before the namespace exists. A jail that is already up \
            and healthy is left untouched; one that an interrupted up, a dead wireguard-go or a downed \
            link left half-built is repaired in place (each repair is named), without touching the \
            programs inside. Something netns-jail did not make (an added interface or route) is refused.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: JailSelection

    @Flag(name: .long, help: "Use wireguard-go even if the kernel has WireGuard.")
    var userspace = false

    @OptionGroup var lock: LockOptions
    @Flag(name: .long, help: "Rebuild a jail that needs a new namespace (another interface name, or an interface or route netns-jail did not add); the programs inside lose the network.")
    var force = false
    @Flag(name: .long, help: "Do not start the jail's supervisor (which restarts a dead tunnel and repairs routes and links).")
    var noSupervisor = false
    @Option(name: .long, help: ArgumentHelp("Seconds to wait for a handshake with each peer that has an endpoint; 0 skips the check.", valueName: "seconds"))
    var handshakeTimeout: Double = 15
    @Option(name: .long, help: ArgumentHelp("For a jail with several servers (wireguard files): move it to this one, in the same namespace.", valueName: "file"))
    var server: String?

    func validate() throws {
        guard handshakeTimeout >= 0 && handshakeTimeout <= 600 else {
            throw ValidationError("--handshake-timeout must be between 0 and 600 seconds")
        }
        if server != nil && (selection.all || selection.names.count != 1) {
            throw ValidationError("--server takes one jail: netns-jail up NAME --server FILE")
        }
    }

    func run() throws {
        try global.requireRoot("up")
        try selection.forEach(global.select(selection.names, all: selection.all)) { (jail) throws(JailError) in
            try SupervisorPart.check(jail)
            // An OpenVPN jail's file and credentials, checked (and its
            // ignored lines named) before anything changes.
            if jail.openvpn != nil { _ = try ConfigLoader.openvpn(for: jail) }
            let held = try JailLock.acquire(jail.name.value, command: "up", wait: lock.wait)
            defer { withExtendedLifetime(held) {} }
            let paths = JailPaths(name: jail.name, interface: jail.interface)
            let (candidates, reason) = try servers(for: jail, paths: paths)
            // A new pool's jail tries its servers in turn until one
            // answers; each failed try is rolled back entirely (its
            // supervisor too).
            for (index, candidate) in candidates.enumerated() {
                let onServer = jail.on(server: candidate)
                let wireguard = try ConfigLoader.wireguard(for: onServer)
                var builder = JailBuilder(jail: onServer, config: wireguard)
                builder.forceUserspace = userspace
                builder.handshakeTimeout = handshakeTimeout
                builder.rebuild = force
                builder.supervision = noSupervisor ? .off : .start(configPath: global.config)
                do throws(JailError) {
                    let built = try builder.up()
                    PoolRecord.noteInUse(onServer, reason: reason, now: Int(time(nil)))
                    report(built, for: onServer)
                    return
                } catch {
                    guard index + 1 < candidates.count, access(paths.namespaceFile, F_OK) != 0 else { throw error }
                    Console.warn("\(candidate): \(error.message); trying \(candidates[index + 1])")
                }
            }
        }
    }

    private func report(_ report: JailBuilder.Report, for jail: JailDefinition) {
        switch report.outcome {
        case .alreadyHealthy:
            break
        case .repaired(let repairs, let edits):
            for line in repairs { Console.note("repaired in \(jail.name): \(line)") }
            for line in edits { Console.note("updated \(jail.name): \(line)") }
            Console.note("\(jail.name) is up, in the same namespace")
        case .built(let implementation):
            Console.note("\(jail.name) is up: \(jail.interface) (\(implementation)), kill switch installed")
        }
        for message in report.supervisor {
            switch message {
            case .note(let text): Console.note(text)
            case .warning(let text): Console.warn(text)
            }
        }
        if case .alreadyHealthy = report.outcome {
            let notes = report.supervisor.filter { if case .note = $0 { true } else { false } }
            Console.note(notes.isEmpty ? "\(jail.name) is already up and healthy; nothing changed" : "\(jail.name) is up, in the same namespace")
        }
    }

    /// The servers to try, in order, and why the first is chosen: the
    /// one --server names; for a new pool jail, the pool's start order;
    /// else the one in use (ServerPool.jails read it from the pool's
    /// record; the first when that one left the pool).
    private func servers(for jail: JailDefinition, paths: JailPaths) throws(JailError) -> ([String], String) {
        if let server {
            guard jail.servers.contains(server) else {
                throw .failure("\(server) is not one of the servers of [\(jail.name)] (its wireguard = lines); add it there first")
            }
            return ([server], "chosen by hand (up --server)")
        }
        let record = PoolRecord.read(paths)
        if jail.servers.count > 1, record == nil || access(paths.namespaceFile, F_OK) != 0 {
            return (ServerPool.startOrder(jail), "the first to answer at up (server-choice \(jail.pool.choice.rawValue))")
        }
        if let record, record.active != jail.wireguard {
            return ([jail.wireguard], "\(record.active) was removed from the pool")
        }
        return ([jail.wireguard], "in use")
    }
}

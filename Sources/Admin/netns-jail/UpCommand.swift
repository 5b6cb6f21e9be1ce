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

    func validate() throws {
        guard handshakeTimeout >= 0 && handshakeTimeout <= 600 else {
            throw ValidationError("--handshake-timeout must be between 0 and 600 seconds")
        }
    }

    func run() throws {
        try global.requireRoot("up")
        try selection.forEach(global.select(selection.names, all: selection.all)) { (jail) throws(JailError) in
            try SupervisorPart.check(jail)
            // An OpenVPN jail's file and credentials, checked (and its
            // ignored lines named) before anything changes.
            if jail.openvpn != nil { _ = try ConfigLoader.openvpn(for: jail) }
            let wireguard = try ConfigLoader.wireguard(for: jail)
            let held = try JailLock.acquire(jail.name.value, command: "up", wait: lock.wait)
            defer { withExtendedLifetime(held) {} }
            var builder = JailBuilder(jail: jail, config: wireguard)
            builder.forceUserspace = userspace
            builder.handshakeTimeout = handshakeTimeout
            builder.rebuild = force
            builder.supervision = noSupervisor ? .off : .start(configPath: global.config)
            report(try builder.up(), for: jail)
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
}

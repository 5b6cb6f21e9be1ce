import ArgumentParser
import FoundationEssentials
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
        var failed = false
        for jail in try global.select(selection.names, all: selection.all) {
            do throws(JailError) {
                // What the supervisor would refuse later, refused now.
                try PortForwardHook.check(jail.portForward)
                if !jail.relays.isEmpty { _ = try RelayUser.lookup() }
                let wireguard = try ConfigLoader.wireguard(for: jail)
                let held = try JailLock.acquire(jail.name.value, command: "up", wait: lock.wait)
                defer { withExtendedLifetime(held) {} }
                var builder = JailBuilder(jail: jail, config: wireguard)
                builder.forceUserspace = userspace
                builder.handshakeTimeout = handshakeTimeout
                builder.rebuild = force
                let paths = JailPaths(name: jail.name, interface: jail.interface)
                // A supervisor that died (SIGKILL, a crash) left its record.
                let supervisorBefore = SupervisorProcess.state(paths)
                if !noSupervisor { builder.namespaceReady = { startSupervisor(jail, paths) } }
                let outcome = try builder.up()
                switch outcome {
                case .alreadyHealthy:
                    break
                case .repaired(let repairs, let edits):
                    for line in repairs { Console.note("repaired in \(jail.name): \(line)") }
                    for line in edits { Console.note("updated \(jail.name): \(line)") }
                    Console.note("\(jail.name) is up, in the same namespace")
                case .built(let implementation):
                    Console.note("\(jail.name) is up: \(jail.interface) (\(implementation.rawValue)), kill switch installed")
                }
                var relayEdits: [String] = [], restarted = false
                if noSupervisor {
                    SupervisorProcess.stop(paths)
                    if !jail.relays.isEmpty {
                        Console.warn("\(jail.name) has publish or host-service lines, which its supervisor serves; without it nothing is relayed")
                    }
                } else {
                    startSupervisor(jail, paths)
                    if case .gone(let dead) = supervisorBefore, let now = SupervisorProcess.runningPID(paths) {
                        Console.note("repaired in \(jail.name): its supervisor (PID \(dead)) was not running; started a new one (PID \(now))")
                        restarted = true
                    }
                    relayEdits = try LiveEdit.relays(jail)
                    // The supervisor starts when the namespace exists and
                    // reads the configuration itself, so on a slow machine
                    // its relay may already serve every line by the time
                    // LiveEdit looks (it then reports nothing). A jail
                    // built by this run has only new lines: name them all
                    // the same, served as LiveEdit found them.
                    if relayEdits.isEmpty, case .built = outcome {
                        relayEdits = jail.relays.map { "relays \($0)" }
                    }
                    for line in relayEdits { Console.note("updated \(jail.name): \(line)") }
                }
                if case .alreadyHealthy = outcome {
                    Console.note(relayEdits.isEmpty && !restarted ? "\(jail.name) is already up and healthy; nothing changed" : "\(jail.name) is up, in the same namespace")
                }
            } catch {
                // A supervisor started for a jail this run then rolled back
                // would stop by itself within a second; stop it now.
                let paths = JailPaths(name: jail.name, interface: jail.interface)
                if !FileManager.default.fileExists(atPath: paths.namespaceFile) { SupervisorProcess.stop(paths) }
                // With --all, one broken jail does not stop the others.
                Console.error(error)
                failed = true
                if !selection.all { throw JailError.reported(exitStatus: error.exitStatus) }
            }
        }
        if failed { throw JailError.reported(exitStatus: ExitStatus.failure) }
    }

    /// Unless one runs already. The jail is up and sealed either way;
    /// without a supervisor it is only not repaired by itself.
    private func startSupervisor(_ jail: JailDefinition, _ paths: JailPaths) {
        do throws(JailError) { try SupervisorProcess.ensureRunning(paths, configPath: global.config) } catch {
            Console.warn("\(jail.name) has no supervisor: \(error.message)")
        }
    }
}

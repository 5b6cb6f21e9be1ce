import ArgumentParser
import JailKit

struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Build a jail: namespace, kill switch, WireGuard tunnel, routes, resolv.conf.",
        discussion: """
            Steps run in order and fail closed: if one fails, everything this run created is removed. \
            A jail that is already up and healthy is left untouched.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: JailSelection

    @Flag(name: .long, help: "Use wireguard-go even if the kernel has WireGuard.")
    var userspace = false

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
                let wireguard = try ConfigLoader.wireguard(for: jail)
                var builder = JailBuilder(jail: jail, config: wireguard)
                builder.forceUserspace = userspace
                builder.handshakeTimeout = handshakeTimeout
                switch try builder.up() {
                case .alreadyHealthy:
                    Console.note("\(jail.name) is already up and healthy; nothing changed")
                case .built(let implementation):
                    Console.note("\(jail.name) is up: \(jail.interface) (\(implementation.rawValue)), kill switch installed")
                }
            } catch {
                // With --all, one broken jail does not stop the others.
                Console.error(error)
                failed = true
                if !selection.all { throw ExitCode(error.exitStatus) }
            }
        }
        if failed { throw ExitCode(ExitStatus.failure) }
    }
}

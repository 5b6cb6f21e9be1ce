import ArgumentParser
import JailKit

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a jail's invariants; exit 1 naming every breach.",
        discussion: """
            Checks: only lo and the tunnel exist; the tunnel and lo are up; the nftables ruleset is exactly the \
            kill switch netns-jail installs; a default route via the tunnel for each address family it carries \
            and none via anything else; /etc/netns/NAME/resolv.conf exists, is root-owned and not writable by \
            group or other, and lists the config's DNS servers; a recorded wireguard-go process is running.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The jail to check.", valueName: "name"))
    var name: String

    func run() throws {
        try global.requireRoot("verify")
        guard let jail = try global.select([name], all: false).first else { throw ExitCode(ExitStatus.usage) }
        let wireguard = try ConfigLoader.wireguard(for: jail, warn: false)
        let state = JailInspection.inspect(JailPaths(name: jail.name, interface: jail.interface))
        let breaches = JailVerification.breaches(state, config: wireguard)
        if breaches.isEmpty {
            Console.out("\(jail.name): ok")
            return
        }
        for breach in breaches { Console.note("breach in \(jail.name): \(breach)") }
        throw ExitCode(ExitStatus.failure)
    }
}

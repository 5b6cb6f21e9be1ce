import ArgumentParser
import FoundationEssentials
import Glibc
import JailKit

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a jail's invariants; exit 1 naming every breach.",
        discussion: """
            Checks: only lo and the tunnel exist; the tunnel and lo are up; the nftables ruleset is exactly the \
            kill switch netns-jail installs; a default route via the tunnel for each address family it carries \
            and none via anything else; the config's addresses are on the tunnel; /etc/netns/NAME/resolv.conf exists \
            and lists the config's DNS servers; /etc/netns/NAME passes the checks netns-exec makes (root-owned, \
            not writable by group or other, regular files only, at most 64 of at most 64 KiB); a recorded \
            wireguard-go process is running and no wireguard-go or interface is left outside the jail; each \
            peer's keepalive is the config's; every peer with an endpoint had a handshake within handshake-age \
            seconds (default 180).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The jail to check.", valueName: "name"))
    var name: String

    func run() throws {
        try global.requireRoot("verify")
        let jail = try global.jail(named: name)
        let wireguard = try ConfigLoader.wireguard(for: jail, warn: false)
        let state = JailInspection.inspect(JailPaths(name: jail.name, interface: jail.interface))
        let breaches = JailVerification.breaches(state, config: wireguard)
            + JailVerification.staleHandshakes(state, maxAge: jail.handshakeAge, now: Int(Date().timeIntervalSince1970))
        if breaches.isEmpty {
            Console.out("\(jail.name): ok")
            return
        }
        for breach in breaches { Console.note("breach in \(jail.name): \(breach)") }
        throw JailError.reported(exitStatus: ExitStatus.failure)
    }
}

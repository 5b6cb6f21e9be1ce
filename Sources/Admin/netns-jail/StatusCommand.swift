import ArgumentParser
import FoundationEssentials
import Glibc
import JailKit

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each jail: tunnel, addresses, peer handshake and traffic, kill switch, DNS, processes inside.",
        discussion: """
            A jail is up when its namespace, tunnel and kill switch are in place, and healthy when it is up, \
            passes verify's checks, and every peer with an endpoint had a handshake within handshake-age \
            seconds (netns-jail.conf(5); default 180). Exits 0 when every jail shown is healthy, 1 otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Show only this jail; default: every jail in the configuration file.", valueName: "name"))
    var name: String?

    @Flag(name: .long, help: "Print a JSON array of objects, one per jail, for scripts.")
    var json = false

    func run() throws {
        try global.requireRoot("status")
        let jails = try global.select(name.map { [$0] } ?? [], all: name == nil)
        let now = Int(Date().timeIntervalSince1970)
        let reports = jails.map { jail in
            let paths = JailPaths(name: jail.name, interface: jail.interface)
            return JailStatus(JailInspection.inspect(paths), jail: jail,
                              config: try? ConfigLoader.wireguard(for: jail, warn: false),
                              supervisor: SupervisorProcess.state(paths), now: now)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            Console.out(reports.map { $0.text(now: now) }.joined(separator: "\n"))
        }
        if reports.contains(where: { !$0.healthy }) { throw JailError.reported(exitStatus: ExitStatus.failure) }
    }
}

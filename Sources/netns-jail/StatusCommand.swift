import ArgumentParser
import Foundation
import JailKit

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each jail: tunnel, addresses, peer handshake and traffic, kill switch, DNS, processes inside.",
        discussion: "Exits 0 when every jail shown is up, 1 when one is down.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Show only this jail; default: every jail in the configuration file.", valueName: "name"))
    var name: String?

    @Flag(name: .long, help: "Print a JSON array of objects, one per jail, for scripts.")
    var json = false

    func run() throws {
        try global.requireRoot("status")
        let jails = try global.select(name.map { [$0] } ?? [], all: name == nil)
        let reports = jails.map { JailStatus(JailInspection.inspect(JailPaths(name: $0.name, interface: $0.interface))) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            let now = Int(Date().timeIntervalSince1970)
            Console.out(reports.map { $0.text(now: now) }.joined(separator: "\n"))
        }
        if reports.contains(where: { !$0.up }) { throw ExitCode(ExitStatus.failure) }
    }
}

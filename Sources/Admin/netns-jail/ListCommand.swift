import ArgumentParser
import JailKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the jails in the configuration file: name, interface, WireGuard config.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        for jail in try global.load().jails {
            Console.out("\(jail.name)\t\(jail.interface)\t\(jail.openvpn?.config ?? jail.wireguard)")
        }
    }
}

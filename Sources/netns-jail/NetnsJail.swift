import ArgumentParser
import JailKit

@main
struct NetnsJail: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "netns-jail", abstract: "Bring WireGuard VPN jails up and down.")
}

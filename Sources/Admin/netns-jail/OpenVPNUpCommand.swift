import ArgumentParser
import Glibc
import JailKit
import NetnsPolicy

/// `netns-jail openvpn-up NAME IFACE ...`: OpenVPN's `up` command for a
/// jail (JailKit's OpenVPNHook), run by OpenVPN from the descriptor
/// netns-jail handed it. Not for running by hand, so not in --help.
/// OpenVPN appends its own arguments (device, MTU, addresses); the
/// environment it sets is what is read, so they are accepted and unused.
struct OpenVPNUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openvpn-up",
        abstract: "Move an OpenVPN jail's device in and record the push (run by OpenVPN).",
        shouldDisplay: false)

    @Argument(help: ArgumentHelp("The jail.", valueName: "name"))
    var name: String
    @Argument(help: ArgumentHelp("The jail's interface.", valueName: "interface"))
    var interface: String
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("OpenVPN's own arguments (unused).", valueName: "openvpn-arguments"))
    var openvpnArguments: [String] = []

    func run() throws {
        guard getuid() == 0 else { throw JailError.failure("openvpn-up is run by OpenVPN as root for a jail's tunnel") }
        guard let jail = NamespaceName(name), let device = InterfaceName(interface) else {
            throw JailError.usage("openvpn-up NAME INTERFACE: not a jail and interface name", exitStatus: ExitStatus.usage)
        }
        try OpenVPNHook.run(name: jail, interface: device)
    }
}

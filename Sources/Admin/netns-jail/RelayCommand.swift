import ArgumentParser
import JailKit
import JailRelay

/// `netns-jail relay NAME`: the relays of a jail's `publish` and
/// `host-service` lines (JailRelay), started by the jail's supervisor. Not
/// for running by hand, so not in --help.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Serve one jail's publish and host-service lines (started by its supervisor).",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The jail whose relays to serve.", valueName: "name"))
    var name: String

    func run() throws {
        try global.requireRoot("relay")
        let jail = try global.jail(named: name)
        RelayProcess.run(jail: jail)
    }
}

import ArgumentParser
import JailKit

/// `netns-jail supervise NAME`: the per-jail supervisor that `up` starts
/// and `down` stops (JailKit's Supervisor). Not for running by hand, so
/// not in --help.
struct SuperviseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise",
        abstract: "Keep one jail working (started by up, stopped by down).",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The jail to supervise.", valueName: "name"))
    var name: String

    @Flag(name: .long, help: "Keep running while the jail is down, and wait for a running supervisor to end instead of ending (for init's respawn and systemd).")
    var stay = false

    func run() throws {
        try global.requireRoot("supervise")
        let jail = try global.jail(named: name)
        var supervisor = Supervisor(jail: jail, configPath: global.config)
        supervisor.stay = stay
        supervisor.run()
    }
}

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
        guard let jail = try global.select([name], all: false).first else { throw JailError.reported(exitStatus: ExitStatus.usage) }
        var supervisor = Supervisor(jail: jail, configPath: global.config)
        supervisor.stay = stay
        supervisor.run()
    }
}

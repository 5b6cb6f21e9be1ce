import ArgumentParser
import Glibc
import JailKit

/// The root command. Subcommands are listed once, in `subcommands`; adding
/// one is one line there and one file beside this one.
@main
struct NetnsJail: ParsableCommand {
    static let subcommands: [any ParsableCommand.Type] = [
        UpCommand.self,
        DownCommand.self,
        StatusCommand.self,
        VerifyCommand.self,
        ListCommand.self,
        DesktopCommand.self,
        DoctorCommand.self,
        SuperviseCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "netns-jail",
        abstract: "Bring WireGuard VPN jails (network namespaces with a kill switch) up and down.",
        discussion: ExitStatus.discussion,
        version: "netns-jail \(NetnsJailVersion.string)",
        subcommands: subcommands)

    /// Parsed here so that --config may come before the subcommand; every
    /// subcommand that declares GlobalOptions receives this value.
    @OptionGroup var global: GlobalOptions

    /// Like ArgumentParser's own `main`, except that usage errors exit 2,
    /// the status netns-jail(8) documents, instead of EX_USAGE.
    static func main() {
        Console.ignoreBrokenPipes()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as JailError {
            Console.error(error)
            Glibc.exit(error.exitStatus)
        } catch let status as ExitCode {
            Glibc.exit(status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // One line, like every other refusal: the error, then where the
            // usage is, rather than ArgumentParser's multi-line usage block.
            var message = message(for: error)
            if message.hasPrefix("Error: ") { message = String(message.dropFirst(7)) }
            let line = message.split(separator: "\n").first.map(String.init) ?? message
            Console.note("\(line) (see netns-jail --help)")
            Glibc.exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
        }
    }
}

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
        SettingsCommand.self,
        DoctorCommand.self,
        SuperviseCommand.self,
        RelayCommand.self,
        OpenVPNUpCommand.self,
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

    /// Like ArgumentParser's own `main`, except that every failure is a
    /// JailError, printed as `netns-jail: ` lines with its exit status:
    /// usage errors exit 2, the status netns-jail(8) documents, instead of
    /// EX_USAGE.
    static func main() {
        Console.ignoreBrokenPipes()
        // The supervisor and the relay are started from /proc/self/exe
        // (OwnExecutable.image), which the kernel would name "exe".
        Console.nameProcess("netns-jail")
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // --help and --version are "errors" that succeed.
            if exitCode(for: error) == .success { exit(withError: error) }
            let failure = jailError(error)
            Console.error(failure)
            Glibc.exit(failure.exitStatus)
        }
    }

    /// ArgumentParser's errors (validate()'s ValidationError among them)
    /// as one line, like every other refusal: the error, then where the
    /// usage is, rather than ArgumentParser's multi-line usage block.
    private static func jailError(_ error: any Error) -> JailError {
        if let error = error as? JailError { return error }
        if let error = JailError.file(error) { return error }
        let code = exitCode(for: error)
        var message = message(for: error)
        if message.hasPrefix("Error: ") { message = String(message.dropFirst(7)) }
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        return .usage(line, exitStatus: code == .validationFailure ? ExitStatus.usage : code.rawValue)
    }
}

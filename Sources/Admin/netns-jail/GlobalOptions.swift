import ArgumentParser
import Glibc
import JailKit

/// Options every subcommand takes. The root command declares them too, so
/// ArgumentParser accepts them before the subcommand's name as well as after
/// it (`netns-jail --config PATH up NAME`), and a subcommand that declares
/// this group gets the value parsed there. desktop reads no configuration
/// file and so ignores --config.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The jail configuration file.", valueName: "path"))
    var config: String = "/etc/netns-jail.conf"

    func validate() throws {
        guard !config.isEmpty else {
            throw ValidationError("--config needs a path, for example --config /etc/netns-jail.conf")
        }
    }

    /// up, down, status and verify create or inspect namespaces, nftables and
    /// WireGuard state that only root may touch. Saying so up front beats a
    /// "Permission denied" from whichever file or tool is reached first.
    func requireRoot(_ subcommand: String) throws {
        guard geteuid() == 0 else {
            throw JailError.config("\(subcommand) needs root: run it as root (su -c 'netns-jail \(subcommand) ...')")
        }
    }

    /// Parses the configuration file (root-owned, not group/other-writable).
    func load() throws(JailError) -> JailConfig {
        // A pool's jail on the server its record names (ServerPool.jails).
        try ServerPool.jails(at: config)
    }

    /// The jails named, or all of them; unknown names are a usage error.
    func select(_ names: [String], all: Bool) throws(JailError) -> [JailDefinition] {
        let jails = try load()
        if all {
            if jails.jails.isEmpty { throw .config("\(config) defines no jail; add a [NAME] section") }
            return jails.jails
        }
        return try names.map { (name: String) throws(JailError) -> JailDefinition in
            guard let jail = jails.jail(named: name) else {
                let known = jails.jails.map(\.name.value).joined(separator: ", ")
                throw .config("no jail named \(name) in \(config)\(known.isEmpty ? "" : " (it defines: \(known))")")
            }
            return jail
        }
    }

    /// The one jail a command names (verify, supervise, relay); an unknown
    /// name is a usage error (exit 2).
    func jail(named name: String) throws(JailError) -> JailDefinition {
        guard let jail = try select([name], all: false).first else { throw .reported(exitStatus: ExitStatus.usage) }
        return jail
    }
}

/// `NAME|--all`, shared by up and down.
struct JailSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The jail (a [NAME] section of the configuration file).", valueName: "name"))
    var name: String?

    @Flag(name: .long, help: "Every jail in the configuration file, in file order.")
    var all = false

    func validate() throws {
        if all && name != nil {
            throw ValidationError("give either a jail name or --all, not both")
        }
        if !all && name == nil {
            throw ValidationError("name the jail to act on, or pass --all for every jail in the configuration file")
        }
    }

    var names: [String] { name.map { [$0] } ?? [] }

    /// Runs `body` for each of `jails`, the selected ones in the order to
    /// act on them. With --all one broken jail does not stop the others:
    /// each failure is printed, and the command exits 1 after the last;
    /// with a name, its failure is the command's, with its exit status.
    func forEach(_ jails: [JailDefinition], _ body: (JailDefinition) throws(JailError) -> Void) throws {
        var failed = false
        for jail in jails {
            do throws(JailError) { try body(jail) } catch {
                Console.error(error)
                failed = true
                if !all { throw JailError.reported(exitStatus: error.exitStatus) }
            }
        }
        if failed { throw JailError.reported(exitStatus: ExitStatus.failure) }
    }
}

/// How long up and down wait for another netns-jail changing the same jail.
struct LockOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds to wait while another netns-jail changes the same jail (it holds /run/netns-jail/NAME.lock); 0 gives up at once.", valueName: "seconds"))
    var wait: Double = 60

    func validate() throws {
        guard wait >= 0 && wait <= 3600 else {
            throw ValidationError("--wait must be between 0 and 3600 seconds")
        }
    }
}

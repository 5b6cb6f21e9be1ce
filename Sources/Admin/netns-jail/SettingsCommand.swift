import ArgumentParser
import FoundationEssentials
import Glibc
import JailKit
import NetnsPolicy

/// `netns-jail settings`: starts a program's jailed settings from a copy of
/// the user's ordinary ones. An ordinary user's command: it reads and
/// writes only the caller's own home, as the caller, and refuses root, so
/// it never needs or holds a privilege (and it is not part of netns-exec,
/// which carries the capability).
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Copy a program's usual settings into a jail's own, leaving locks, sockets, running state and accounts behind.",
        discussion: """
            A program in a jail keeps its own settings (state=per-jail, the default), so it \
            starts as if new. This copies your ordinary settings of PROGRAM into the jail \
            NAME's store under ~/.netns-exec/NAME, and says what it copied and what it left: \
            sockets, FIFOs, devices, locks and lock files, running state (sessions, pid files, \
            torrents in progress, caches), and logins, cookies, sync accounts and tokens, \
            which would tie your identity in the jail to the one outside. Links are never \
            followed out of the source. Run it as yourself, not as root, while the program \
            is not running, in the jail or outside.

            Programs: \(SettingsTarget.names).

            Exit status: 0 copied; 1 the copy failed (nothing was changed) or the program \
            runs; 2 bad arguments, or the jail has settings already and --replace was not given.
            """)

    @Argument(help: ArgumentHelp("The jail (network namespace).", valueName: "name"))
    var namespace: String

    @Argument(help: ArgumentHelp("The program: \(SettingsTarget.names).", valueName: "program"))
    var program: String

    @Flag(name: .long, help: "Replace the jail's own settings of the program; the old ones are kept beside them, renamed with .before-copy- and the time.")
    var replace = false

    @Flag(name: .long, help: "List every file left behind, not only the first of each kind per directory.")
    var verbose = false

    func validate() throws {
        guard NamespaceName(namespace) != nil else {
            throw ValidationError("invalid namespace name '\(namespace)': \(NamespaceName.rule)")
        }
        guard SettingsTarget.named(program) != nil else {
            throw ValidationError("unknown program '\(program)'; the programs are \(SettingsTarget.names)")
        }
    }

    func run() throws {
        let target = SettingsTarget.named(program)!
        guard getuid() != 0, geteuid() != 0 else {
            throw JailError.config("settings copies your own settings: run it as the user whose settings they are, not as root")
        }
        if let running = RunningProgram.find(target.processNames) {
            throw JailError.failure("\(target.title) is running (PID \(running.pid), \(running.name), in a jail or not); quit it and run this again, so that its settings are copied whole")
        }
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir, case let home = String(cString: dir),
              home.hasPrefix("/") else {
            throw JailError.failure("your account has no home directory in the password database; nothing was copied")
        }
        let copy = SettingsCopy(target: target, jail: namespace, home: home, uid: getuid(),
                                replace: replace, stamp: Self.stamp())
        let report = try copy.run()
        for line in SettingsReportText.lines(report, target: target, verbose: verbose) { Console.out(line) }
    }

    /// The local time, for the backup's name: 20261207-231500.
    static func stamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}

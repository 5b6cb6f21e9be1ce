import ArgumentParser
import FoundationEssentials
import Glibc
import JailKit
import NetnsPolicy

/// `netns-jail desktop`: writes a jailed copy of an application's .desktop
/// file for the calling user. It needs no privilege; it only reads one file
/// and writes one file the caller could write anyway. Run as root, it
/// becomes the user whose directory it writes into (UserIdentity).
struct DesktopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desktop",
        abstract: "Write a copy of a .desktop launcher that starts the program inside a jail.",
        discussion: """
            Every Exec= line (also those of [Desktop Action] groups) is prefixed with \
            'netns-exec --menu-name=ENTRY NAME' (the entry's name, encoded as one word, \
            titles netns-exec's desktop notices), keeping field codes such as %U; Name= and its translations \
            get a suffix; DBusActivatable is removed, because with it the desktop starts the \
            program through D-Bus and ignores Exec. The copy gets a new desktop file ID, \
            SOURCE-netns-NAME.desktop, so the original launcher stays. Root is not needed.

            Written to your applications directory (the default), the copy also becomes \
            the default handler for every MIME type and URL scheme in the original's \
            MimeType= (x-scheme-handler/magnet, say), in $XDG_CONFIG_HOME/mimeapps.list \
            (~/.config/mimeapps.list), so that xdg-open and the desktop start the jailed \
            program for a link; and update-desktop-database is run on the directory. \
            --no-defaults leaves mimeapps.list alone. With --output nothing is registered: \
            run update-desktop-database DIR and xdg-mime default ID TYPE yourself.

            A program known not to work in a jail (its web engine's or Electron's \
            sandbox without userns=allow, KTorrent without a session bus, flatpak, snaps) \
            gets one warning line saying why; the launcher is written all the same.

            Exit status: 0 written; 1 a file could not be written (nothing is left \
            changed); 2 bad arguments or a source file that cannot be jailed (nothing \
            was written).
            """)

    @Argument(help: ArgumentHelp("The application's .desktop file, e.g. /usr/share/applications/org.qbittorrent.qBittorrent.desktop.", valueName: "source.desktop"))
    var source: String

    @Option(name: .long, help: ArgumentHelp("The jail (network namespace) the program runs in; it must be allowed to you in /etc/netns-exec.conf.", valueName: "name"))
    var namespace: String

    @Option(name: .long, help: ArgumentHelp("Directory to write into. Default: $XDG_DATA_HOME/applications, i.e. ~/.local/share/applications.", valueName: "dir"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Appended to Name= and its translations.", valueName: "text"))
    var suffix: String = DesktopJailRewrite.defaultNameSuffix

    @Option(name: .long, help: ArgumentHelp("The launcher the desktop runs: a name looked up in PATH, or an absolute path.", valueName: "path"))
    var launcher: String = DesktopJailRewrite.defaultLauncher

    @Flag(name: .long, help: "Replace the jailed copy if it already exists.")
    var force = false

    @Flag(name: .long, help: "Do not make the jailed copy the default for the original's MIME types and URL schemes.")
    var noDefaults = false

    @Option(name: .long, help: ArgumentHelp("The netns-exec policy to read for userns=deny (under which Chromium cannot start); installed launchers read only /etc/netns-exec.conf.", valueName: "path"))
    var policy: String = PolicyCheck.installedPath

    func validate() throws {
        guard NamespaceName(namespace) != nil else {
            throw ValidationError("invalid namespace name '\(namespace)': \(NamespaceName.rule)")
        }
        guard source.hasSuffix(".desktop") else {
            throw ValidationError("\(source) is not a .desktop file; give the application's launcher, e.g. /usr/share/applications/NAME.desktop")
        }
        guard !suffix.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ValidationError("--suffix may not contain control characters such as newlines")
        }
        guard !launcher.isEmpty, launcher.hasPrefix("/") || !launcher.contains("/"),
              !launcher.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ValidationError("--launcher must be a program name (netns-exec) or an absolute path (/usr/bin/netns-exec)")
        }
        guard policy.hasPrefix("/") else {
            throw ValidationError("--policy needs an absolute path, for example --policy /etc/netns-exec.conf")
        }
        if let output, output.isEmpty {
            throw ValidationError("--output needs a directory")
        }
    }

    func run() throws {
        // validate() has checked the name.
        let name = NamespaceName(namespace)!
        let rewrite = DesktopJailRewrite(namespace: name, launcher: launcher, nameSuffix: suffix,
                                         permitsUserNamespaces: permitsUserNamespaces(name))
        // Run as root (sudo -E keeps the user's HOME), it would write as root
        // through whatever the user's directories are: a link from
        // ~/.local/share/applications or ~/.config to a root-owned
        // directory would have root write there. So root acts as the owner
        // of the directory it writes into, from here on, and the kernel
        // decides what that user may write (the policy, read above, is
        // root's and may be root-only).
        if geteuid() == 0 { try UserIdentity.becomeOwner(of: output ?? homeDirectory()) }
        guard let fileID = rewrite.fileID(for: URL(fileURLWithPath: source).lastPathComponent) else {
            throw JailError.config("\(source) is not a .desktop file name")
        }

        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: source))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw JailError.config("\(source) is not UTF-8 text; desktop files must be UTF-8")
            }
            text = decoded
        } catch let error as JailError {
            throw error
        } catch {
            throw JailError.config("cannot read \(source): \(JailError.reason(error)); check the path")
        }

        let jailed: DesktopEntry
        do {
            jailed = try rewrite.apply(to: DesktopEntry(parsing: text))
        } catch let failure as DesktopEntryParseFailure {
            throw failure.located(in: source)
        } catch let error as DesktopEntryError {
            throw JailError.configFile(ConfigFailure([error.located(in: source)]))
        }

        let directory = try outputDirectory()
        let target = URL(fileURLWithPath: directory).appendingPathComponent(fileID)
        let previous = FileManager.default.contents(atPath: target.path)
        if !force && previous != nil {
            throw JailError.config("\(target.path) already exists; pass --force to replace it")
        }
        // Read and edited before anything is written, so that a
        // mimeapps.list we cannot read stops the command with nothing done.
        let types = MimeAppsList.types(inMimeTypeValue: jailed.value(DesktopKey(name: "MimeType"), in: DesktopEntry.mainGroup) ?? "")
        let defaults = output == nil && !noDefaults && !types.isEmpty
            ? try mimeAppsEdit(making: fileID, defaultFor: types) : nil
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // .atomic: a temporary file renamed into place, so a menu that
            // rescans the directory never sees half a launcher.
            try Data(jailed.text.utf8).write(to: target, options: .atomic)
        } catch {
            throw JailError.failure("cannot write \(target.path): \(JailError.reason(error))")
        }
        Console.out(target.path)
        warnIfKnownToBreak(source: jailed, permitsUserNamespaces: rewrite.permitsUserNamespaces)
        guard output == nil else { return }
        if let (path, list) = defaults {
            do {
                try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                        withIntermediateDirectories: true)
                try Data(list.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                // The launcher alone would look registered but a link would
                // still start the unjailed program: take it back.
                if let previous { try? previous.write(to: target, options: .atomic) } else { try? FileManager.default.removeItem(at: target) }
                throw JailError.failure("cannot write \(path): \(JailError.reason(error)); nothing was changed")
            }
            Console.out(path)
        }
        registerWithDesktop(directory)
    }

    /// One line for a program known not to work in a jail, and why
    /// (JailCompatibility); the launcher is written all the same. The
    /// program is the main Exec's, after the netns-exec prefix.
    func warnIfKnownToBreak(source jailed: DesktopEntry, permitsUserNamespaces: Bool) {
        guard let exec = jailed.value(DesktopKey(name: "Exec"), in: DesktopEntry.mainGroup),
              let arguments = try? DesktopExec.arguments(ofValue: exec), arguments.count > 2,
              let warning = JailCompatibility.warning(for: arguments[2], permitsUserNamespaces: permitsUserNamespaces)
        else { return }
        Console.warn(warning)
    }

    /// Whether the namespace's policy line lets programs make user
    /// namespaces (the default, unless it says userns=deny). A policy that
    /// is missing or that netns-exec would refuse allows nothing.
    func permitsUserNamespaces(_ name: NamespaceName) -> Bool {
        guard let parsed = PolicyCheck.run(path: policy).1 else { return false }
        return parsed.entry(for: name)?.permitsUserNamespaces ?? false
    }

    /// The user's mimeapps.list with `fileID` made the default for `types`:
    /// its path and new contents. A missing file is a new, empty one.
    func mimeAppsEdit(making fileID: String, defaultFor types: [String]) throws(JailError) -> (String, MimeAppsList) {
        let path = try configDirectory() + "/mimeapps.list"
        var text = ""
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path), let decoded = String(data: data, encoding: .utf8) else {
                throw .config("cannot read \(path) as UTF-8 text; fix it, or pass --no-defaults")
            }
            text = decoded
        }
        var list = MimeAppsList(text: text)
        list.makeDefault(fileID, for: types)
        return (path, list)
    }

    /// Desktops list an application for a MIME type only once the
    /// directory's mimeinfo.cache names it; update-desktop-database writes
    /// that cache. Without the tool the launcher and the defaults still
    /// work for xdg-open, so this is a warning that says what to run.
    func registerWithDesktop(_ directory: String) {
        let result = ExternalTool.updateDesktopDatabase.run(["-q", directory])
        if result.status != 0 {
            Console.warn("update-desktop-database \(directory) failed (\(result.reason)); install desktop-file-utils and run it, or menus may not offer the jailed launcher for links")
        }
    }

    /// $HOME, which must be absolute.
    func homeDirectory() throws(JailError) -> String {
        guard let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/") else {
            throw .config("HOME is not set; pass --output DIR")
        }
        return home
    }

    /// $XDG_CONFIG_HOME when it is absolute, else ~/.config.
    func configDirectory() throws(JailError) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let configHome = environment["XDG_CONFIG_HOME"], configHome.hasPrefix("/") { return configHome }
        guard let home = environment["HOME"], home.hasPrefix("/") else {
            throw .config("HOME is not set; pass --no-defaults or set XDG_CONFIG_HOME")
        }
        return home + "/.config"
    }

    /// --output, else $XDG_DATA_HOME/applications (when it is absolute, as the
    /// XDG Base Directory specification requires), else ~/.local/share/applications.
    func outputDirectory() throws(JailError) -> String {
        if let output { return output }
        let environment = ProcessInfo.processInfo.environment
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") {
            return dataHome + "/applications"
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else {
            throw .config("HOME is not set; pass --output DIR")
        }
        return home + "/.local/share/applications"
    }
}

import NetnsPolicy

/// Turns an application's desktop entry into one that starts the program
/// inside a jail: `netns-jail desktop`.
///
/// What changes, and why:
/// - Every `Exec=` in `[Desktop Entry]` and in each `[Desktop Action …]`
///   group gets `netns-exec --menu-name=Name=20=28VPN=29 NAMESPACE ` in
///   front (the jailed entry's Name, encoded as one plain word, which
///   titles the launcher's notices). The original value follows
///   unchanged, so quoting and field codes (`%U`, `%f`, …) keep their meaning.
/// - `DBusActivatable` is removed. With `DBusActivatable=true` a desktop
///   starts the program by activating its D-Bus name and ignores `Exec`, so
///   the program would start outside the jail.
/// - `Name` and every `Name[locale]` get a suffix such as ` (VPN)`, so both
///   launchers can be told apart in a menu. Action names stay as they are:
///   they appear under the already-suffixed application.
/// - `X-NetnsExec-Namespace=NAME` marks the result, so a jailed copy is not
///   jailed a second time.
/// - `TryExec` stays: it names the program, so the jailed launcher vanishes
///   from menus when the program is uninstalled, like the original.
/// The caller also gives the file a new desktop file ID (`fileID(for:)`),
/// so it sits next to the original instead of shadowing it.
///
/// Refused: entries that are not `Type=Application`, an `Exec` that is
/// missing (D-Bus-only programs cannot be jailed this way), malformed or
/// localised (`Exec[de]=` is not part of the specification, and a desktop
/// that honoured it would bypass the jail), entries already jailed, and
/// Chromium-based browsers where the namespace's policy line says
/// `userns=deny`: they cannot start there.
public struct DesktopJailRewrite: Sendable {
    public let namespace: NamespaceName
    /// The launcher as the desktop should run it: a name looked up in PATH,
    /// or an absolute path.
    public let launcher: String
    public let nameSuffix: String
    /// The namespace's policy line lets programs make user namespaces (the
    /// default; not `userns=deny`), so a Chromium browser can start there
    /// with its sandbox (SECURITY.md, "Programs that sandbox themselves").
    public let permitsUserNamespaces: Bool

    public static let defaultLauncher = "netns-exec"
    public static let defaultNameSuffix = " (VPN)"
    public static let markerKey = DesktopKey(name: "X-NetnsExec-Namespace")
    /// Chromium and the browsers built on it. Their sandbox needs a new user
    /// namespace (or the setuid chrome-sandbox, which no_new_privs disarms),
    /// and under `userns=deny` the jail's filter refuses the first and
    /// no_new_privs the second; they exit at once, from a menu without a
    /// word. A launcher that can never start is refused here rather than
    /// written (SECURITY.md, "Programs that sandbox themselves").
    public static let needsUserNamespaces: Set<String> = [
        "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "google-chrome-beta",
        "google-chrome-unstable", "brave", "brave-browser", "microsoft-edge", "microsoft-edge-stable",
        "vivaldi", "vivaldi-stable", "opera",
    ]

    public init(namespace: NamespaceName, launcher: String = defaultLauncher,
                nameSuffix: String = defaultNameSuffix, permitsUserNamespaces: Bool = false) {
        self.namespace = namespace
        self.launcher = launcher
        self.nameSuffix = nameSuffix
        self.permitsUserNamespaces = permitsUserNamespaces
    }

    /// What goes in front of every `Exec=` value, in file form, with its
    /// trailing space. A namespace name never needs quoting
    /// (`[A-Za-z0-9][A-Za-z0-9_.-]*`); the launcher path and the menu name
    /// might. The menu name (`--menu-name=`, the jailed entry's Name) only
    /// titles the launcher's desktop notices, so they name the program as
    /// the menu does; netns-exec trusts nothing in it.
    public func execPrefix(menuName: String?) -> String {
        var words = [DesktopExec.fileForm(ofArgument: launcher)]
        if let menuName, !menuName.isEmpty {
            words.append(Invocation.menuNameOption + Invocation.encodeMenuName(menuName))
        }
        words.append(namespace.value)
        return words.joined(separator: " ") + " "
    }

    /// The desktop file ID of the jailed copy of `sourceFileName`
    /// (a base name such as `org.qbittorrent.qBittorrent.desktop`), or nil
    /// when that name is not a desktop file name.
    public func fileID(for sourceFileName: String) -> String? {
        let suffix = ".desktop"
        guard sourceFileName.hasSuffix(suffix), !sourceFileName.contains("/") else { return nil }
        let stem = sourceFileName.dropLast(suffix.count)
        guard !stem.isEmpty else { return nil }
        return "\(stem)-netns-\(namespace.value)\(suffix)"
    }

    public func apply(to source: DesktopEntry) throws(DesktopEntryError) -> DesktopEntry {
        let main = DesktopEntry.mainGroup
        let type = source.value(DesktopKey(name: "Type"), in: main)
        guard type == "Application" else {
            throw DesktopEntryError(line: nil, message: "Type=\(type ?? "(missing)"): only Type=Application entries start a program")
        }
        if let jailed = source.value(Self.markerKey, in: main) {
            throw DesktopEntryError(line: nil, message: "this entry is already jailed in \(jailed); run netns-jail desktop on the original file")
        }

        var entry = source
        var groupsWithExec: Set<String> = []
        let menuName = source.value(DesktopKey(name: "Name"), in: main).map { DesktopExec.unescapeString($0) + nameSuffix }
        let prefix = execPrefix(menuName: menuName)
        let launcherName = Self.baseName(launcher)
        try entry.rewriteEntries { (group, key, value, line) throws(DesktopEntryError) -> String? in
            guard group == main || group.hasPrefix(DesktopEntry.actionGroupPrefix) else { return value }
            switch key.name {
            case "Exec":
                guard key.locale == nil else {
                    throw DesktopEntryError(line: line, message: "\(key) is not a valid key: Exec cannot be localised; remove the line")
                }
                let arguments: [String]
                do { arguments = try DesktopExec.arguments(ofValue: value) } catch {
                    throw DesktopEntryError(line: line, message: "Exec in [\(group)]: \(error); fix the quoting")
                }
                let program = Self.baseName(arguments[0])
                if program == launcherName || program == Self.defaultLauncher {
                    throw DesktopEntryError(line: line, message: "Exec in [\(group)] already starts \(program); run netns-jail desktop on the original file")
                }
                if Self.needsUserNamespaces.contains(program) && !permitsUserNamespaces {
                    throw DesktopEntryError(line: line, message: "\(program) cannot start in jail \(namespace): its sandbox needs user namespaces, which this jail refuses (its line in netns-exec.conf says userns=deny, or there is none): it would exit with \"No usable sandbox!\" and nothing on screen; ask an administrator to drop userns=deny, see SECURITY.md, \"Programs that sandbox themselves\"")
                }
                groupsWithExec.insert(group)
                return prefix + value
            case "DBusActivatable":
                return nil
            case "Name" where group == main:
                return value + suffixFileForm(appendedTo: value)
            default:
                return value
            }
        }

        for group in entry.groups where group == main || group.hasPrefix(DesktopEntry.actionGroupPrefix) {
            if !groupsWithExec.contains(group) {
                throw DesktopEntryError(line: nil, message: "[\(group)] has no Exec=; a program started only through D-Bus cannot be jailed by a desktop file")
            }
        }
        entry.append(Self.markerKey, value: namespace.value, to: main)
        return entry
    }

    /// The suffix in file form. A value may not start with a blank (readers
    /// strip it), so after an empty name a leading space is written `\s`.
    func suffixFileForm(appendedTo value: String) -> String {
        let escaped = DesktopExec.escapeString(nameSuffix)
        if value.isEmpty, escaped.hasPrefix(" ") {
            return "\\s" + escaped.dropFirst()
        }
        return escaped
    }

    static func baseName(_ path: String) -> String {
        if let slash = path.lastIndex(of: "/") { return String(path[path.index(after: slash)...]) }
        return path
    }
}

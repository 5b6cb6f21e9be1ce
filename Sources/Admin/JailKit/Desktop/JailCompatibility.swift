/// Programs known not to work in a jail, each with the reason: what
/// `netns-jail desktop` says, one line per program, when it writes a jailed
/// launcher for one. It warns and writes the launcher all the same: the
/// user may know better (a program configured around the problem), and a
/// refusal belongs to what can never start (Chromium browsers under
/// userns=deny, DesktopJailRewrite).
///
/// A reviewed table, not a guess: each row was seen or follows from a rule
/// of the jail (SECURITY.md, "What breaks inside the jail"), and a row goes
/// when the jail gives what the program needs.
public enum JailCompatibility {
    /// What the jail lacks that the program needs.
    public enum Need: Sendable {
        /// A user namespace for its sandbox: a jail allows them unless its
        /// line says `userns=deny`.
        case userNamespaces
        /// Mounting, which the jail refuses in every case.
        case mounts
        /// A setuid helper, which no_new_privs disarms.
        case setuid
    }

    struct Row: Sendable {
        let programs: Set<String>
        let need: Need
        let reason: String
    }

    static let rows: [Row] = [
        Row(programs: ["qutebrowser", "falkon", "konqueror", "angelfish"], need: .userNamespaces,
            reason: "its web engine (QtWebEngine) sandboxes pages in a user namespace, which this jail refuses (its line in netns-exec.conf says userns=deny, or there is none), and it then runs web pages unsandboxed without saying so"),
        Row(programs: ["signal-desktop", "element-desktop", "discord", "slack", "code", "codium", "obsidian"],
            need: .userNamespaces,
            reason: "it is built on Electron, whose sandbox needs a user namespace, which this jail refuses (its line in netns-exec.conf says userns=deny, or there is none): it exits with \"No usable sandbox!\" and nothing on screen"),
        Row(programs: ["flatpak"], need: .mounts,
            reason: "flatpak's sandbox (bubblewrap) mounts the program's files, and the jail refuses every mount, whether or not it allows user namespaces; install the program from the distribution instead"),
        Row(programs: ["snap"], need: .setuid,
            reason: "snaps start through snap-confine, which is setuid root, and the jail's no_new_privs takes that away; install the program from the distribution instead"),
        Row(programs: ["firejail"], need: .setuid,
            reason: "firejail is setuid root, and the jail's no_new_privs takes that away; jail the program itself"),
    ]

    /// The warning for a launcher whose Exec starts `program` (a path or a
    /// name), in a namespace that allows user namespaces or not; nil when the
    /// program is not known to break there.
    public static func warning(for program: String, permitsUserNamespaces: Bool) -> String? {
        var name = program
        if let slash = name.lastIndex(of: "/") {
            // Snaps are started as /snap/bin/NAME.
            if name.hasPrefix("/snap/bin/") { name = "snap" } else { name = String(name[name.index(after: slash)...]) }
        }
        guard let row = rows.first(where: { $0.programs.contains(name) }) else { return nil }
        if row.need == .userNamespaces && permitsUserNamespaces { return nil }
        return "\(name) will not work in the jail: \(row.reason)"
    }
}

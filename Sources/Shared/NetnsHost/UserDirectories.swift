/// The XDG user directories (xdg-user-dirs: Desktop, Documents, Downloads,
/// ...) as the user's ~/.config/user-dirs.dirs names them: the folders of
/// the real home that the jail's home shows by default. The launcher's
/// SharedFolders reads the file; this is what its lines mean.
public enum UserDirectories {
    /// The file, relative to the home.
    public static let file = ".config/user-dirs.dirs"
    /// Each directory's key in the file and the name it has when the file
    /// does not set it.
    public static let known: [(key: String, name: String)] = [
        ("XDG_DESKTOP_DIR", "Desktop"), ("XDG_DOCUMENTS_DIR", "Documents"), ("XDG_DOWNLOAD_DIR", "Downloads"),
        ("XDG_MUSIC_DIR", "Music"), ("XDG_PICTURES_DIR", "Pictures"), ("XDG_PUBLICSHARE_DIR", "Public"),
        ("XDG_TEMPLATES_DIR", "Templates"), ("XDG_VIDEOS_DIR", "Videos"),
    ]
    public static var defaultNames: [String] { known.map { $0.name } }

    /// What one line of the file asks of the jail's home.
    public enum Folder: Equatable {
        /// A folder of the home, relative to it, not yet checked against
        /// SharedFolder's rule.
        case inHome(String)
        /// `"$HOME"`: how xdg-user-dirs turns a directory off.
        case off
        /// A folder outside the home (the value as written): never shared
        /// with the jail.
        case outside(String)
    }

    /// `XDG_NAME_DIR="value"` lines, as xdg-user-dirs writes them, as
    /// (key, value) pairs in order. A value with an escape or a quote in
    /// it is skipped (the directory keeps its default name, if it has one):
    /// the file is shell syntax, and no other way of reading it is safe.
    public static func entries(in text: [UInt8]) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        for line in text.split(separator: UInt8(ascii: "\n")) {
            guard line.first != UInt8(ascii: "#"), let equals = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = line[..<equals]
            var value = line[(equals + 1)...]
            guard key.starts(with: "XDG_".utf8), key.reversed().starts(with: "RID_".utf8),
                  value.count >= 2, value.first == quote, value.last == quote else { continue }
            value = value.dropFirst().dropLast()
            guard !value.contains(quote), !value.contains(backslash) else { continue }
            result.append((String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return result
    }

    /// What a value means for a user whose home is `home`: `$HOME/X` and
    /// `HOME/X` are X in the home; `$HOME` or the home itself is off.
    public static func folder(_ value: String, home: String) -> Folder {
        if value == "$HOME" || value == "$HOME/" || value == home || value == home + "/" { return .off }
        let bytes = Array(value.utf8), inHome = Array((home + "/").utf8), variable = Array("$HOME/".utf8)
        if bytes.starts(with: variable) { return .inHome(String(decoding: bytes.dropFirst(variable.count), as: UTF8.self)) }
        if bytes.starts(with: inHome) { return .inHome(String(decoding: bytes.dropFirst(inHome.count), as: UTF8.self)) }
        return .outside(value)
    }

    /// The folders the file names (and, for the known directories it does
    /// not set, their default names), in order, each with its key (for
    /// messages); nil text (no file) gives the default names.
    public static func folders(in text: [UInt8]?, home: String) -> [(key: String, folder: Folder)] {
        guard let text else { return known.map { ($0.key, .inHome($0.name)) } }
        var found: [(key: String, folder: Folder)] = []
        var named: [String] = []
        for (key, value) in entries(in: text) {
            named.append(key)
            found.append((key, folder(value, home: home)))
        }
        for (key, name) in known where !named.contains(key) { found.append((key, .inHome(name))) }
        return found
    }

    /// The jail's own user-dirs.dirs: the directories shared into the
    /// jail's home (`.inHome`, relative to it) and the ones the user turned
    /// off (`.off`), so a jailed program finds Downloads where the user's
    /// file puts it. A directory outside the home is not in the jail and is
    /// left out (the program then uses its default name). A folder whose
    /// name the file's syntax cannot carry plainly (a quote, backslash,
    /// dollar, backquote or newline) is left out too.
    public static func jailFile(_ entries: [(key: String, folder: Folder)]) -> String {
        var text = "# Written by netns-exec at each launch: the folders of your home that this\n"
            + "# jail shares (see netns-exec(1)). Changes here are replaced at the next launch.\n"
        for (key, folder) in entries {
            switch folder {
            case .inHome(let path):
                guard !path.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\")
                        || $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "\n") }) else { continue }
                text += key + "=\"$HOME/" + path + "\"\n"
            case .off:
                text += key + "=\"$HOME\"\n"
            case .outside:
                continue
            }
        }
        return text
    }
}

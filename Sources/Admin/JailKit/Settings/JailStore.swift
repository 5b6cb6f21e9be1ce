/// Where the jail keeps what a jailed program sees at a place in the home.
///
/// The one place that knows the jail's layout (the launcher's JailState
/// builds it): every settings copy asks here, so a change of layout is a
/// change of this function only. Paths are relative to the home and have
/// no `.` or `..` components.
public enum JailStore {
    /// The directory under the home that holds every jail's own state.
    public static let directory = ".netns-exec"

    /// Where a home-relative path lives for a jailed program.
    public enum Place: Equatable, Sendable {
        /// The jail's own copy, at this home-relative path.
        case jail(String)
        /// The jail sees the user's own file here: there is nothing to copy.
        case shared
    }

    /// Today's layout (JailState.covered in the launcher): the jail's view
    /// of the home has its own `~/.config`, `~/.local/share`,
    /// `~/.local/state`, `~/.cache` and `~/.mozilla`, each kept in
    /// `~/.netns-exec/NAME/STORE`; the rest of the home is the user's own.
    static let covered: [(path: String, store: String)] = [
        (".config", "config"), (".local/share", "local-share"), (".local/state", "local-state"),
        (".cache", "cache"), (".mozilla", "mozilla"),
    ]

    public static func place(of relative: String, jail: String) -> Place {
        for (path, store) in covered {
            if relative == path || relative.hasPrefix(path + "/") {
                return .jail(directory + "/" + jail + "/" + store + relative.dropFirst(path.count))
            }
        }
        return .shared
    }
}

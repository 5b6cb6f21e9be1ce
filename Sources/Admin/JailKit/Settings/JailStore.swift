import NetnsHost

/// Where the jail keeps what a jailed program sees at a place in the home.
///
/// Every settings copy asks here; the layout itself is NetnsHost's
/// HostPaths (the launcher's JailState builds it from the same names), so
/// a change of layout is a change there. Paths are relative to the home
/// and have no `.` or `..` components.
public enum JailStore {
    /// The directory under the home that holds every jail's own state.
    public static let directory = HostPaths.stateStore

    /// Where a home-relative path lives for a jailed program.
    public enum Place: Equatable, Sendable {
        /// The jail's own copy, at this home-relative path.
        case jail(String)
        /// The jail sees the user's own file here: there is nothing to copy.
        case shared
    }

    /// Today's layout (JailState and SharedFolders in the launcher): the
    /// jail's view of the home is the jail's own home, kept in
    /// `~/.netns-exec/NAME/home`, with the user's documents shared in. Every
    /// dot-file and dot-directory there is the jail's own; a top-level
    /// folder with one of the XDG user directories' default names is the
    /// user's (shared), and so is nothing else this function can know of
    /// (the user's own list and `share=` name more; they hold documents,
    /// not settings).
    public static func place(of relative: String, jail: String) -> Place {
        let first = relative.split(separator: "/").first.map(String.init) ?? ""
        if UserDirectories.defaultNames.contains(first) { return .shared }
        return .jail(HostPaths.jailHome(jail) + "/" + relative)
    }
}

/// What a folder shared into the jail's home may be: a path inside the
/// home, relative to it. The one rule for the three lists that name such
/// folders (`share=` here, the user's ~/.netns-exec/NAME/shared and the
/// XDG user directories, both read by the launcher's SharedFolders).
///
/// Each folder is bound from the real home into the jail's, so a name
/// that led out of the home (an absolute path, `..`) or to the home
/// itself would share what the jail's home exists to keep apart (every
/// profile, socket and lock of the programs outside), and one naming
/// ~/.netns-exec would let the jail reach its own store, other jails'
/// stores and the user's lists.
public enum SharedFolder {
    /// The store the jail must never reach (HostPaths.stateStore, which
    /// NetnsHostTests checks against this).
    public static let store = ".netns-exec"
    /// PATH_MAX and NAME_MAX as Linux has them.
    static let maximumPath = 4096
    static let maximumName = 255

    /// `path` as its components joined by "/", or nil when it breaks the
    /// rule: empty, absolute, with a `.` or `..` component, beginning with
    /// ~/.netns-exec, or longer than a path or name can be.
    public static func normalized(_ path: String) -> String? {
        guard path.utf8.first != UInt8(ascii: "/"), path.utf8.count < maximumPath else { return nil }
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty, parts[0] != store,
              !parts.contains(where: { $0 == "." || $0 == ".." || $0.utf8.count > maximumName }) else { return nil }
        return parts.joined(separator: "/")
    }
}

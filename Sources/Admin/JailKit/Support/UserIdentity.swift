import Glibc

/// Root doing a user's chores (`sudo -E netns-jail desktop`) does them as
/// that user. Every path under a user's home is the user's to change: a
/// directory there replaced by a link to a root-owned directory would have
/// root write where the user cannot. Rather than open each path by
/// descriptor, root gives up root for the rest of the command and the
/// kernel's own permission checks apply, link or not.
public enum UserIdentity {
    /// Becomes the owner of `path`, or of the nearest existing directory
    /// above it, when that is not root: uid, gid and the owner's groups, for
    /// good (root cannot be regained). Its own link is not followed: a link
    /// the user placed makes the user the owner. Nothing changes when root
    /// owns it (root's own home, a system directory given with --output).
    public static func becomeOwner(of path: String) throws(JailError) {
        var current = path
        var st = stat()
        while lstat(current, &st) != 0 {
            guard errno == ENOENT, let slash = current.lastIndex(of: "/") else {
                throw .failure("cannot examine \(current): \(String(cString: strerror(errno)))")
            }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
        guard st.st_uid != 0 else { return }
        let uid = st.st_uid
        guard let entry = getpwuid(uid) else {
            throw .config("\(current) belongs to uid \(uid), which has no account; run the command as that user instead of root")
        }
        let gid = entry.pointee.pw_gid
        // Groups first, then gid, then uid: after setuid nothing else may change.
        guard initgroups(entry.pointee.pw_name, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            throw .failure("cannot become uid \(uid) (the owner of \(current)): \(String(cString: strerror(errno)))")
        }
        // Checked, not assumed: a partial change would leave root behind.
        guard getuid() == uid, geteuid() == uid, getgid() == gid, getegid() == gid, setuid(0) != 0 else {
            throw .failure("still privileged after becoming uid \(uid); refusing to write as root")
        }
    }
}

import Glibc

/// The account the relay runs as once it has dropped root: `netns-relay`,
/// a system user that the package (doinst.sh), `make install` and the
/// SlackBuild's README create, and that nothing else runs as.
///
/// Why not `nobody`: the kernel lets any process with the same uid signal
/// a process, stop it, or lower its limits (kill, prlimit), and many
/// daemons run as `nobody`. One of them stopped the relay, or set its
/// descriptor limit so low that it spun, and a local user then bound the
/// published port and received what was meant for the jail. A uid of its
/// own leaves that to root and to the relays themselves. Why one user and
/// not one per jail: a per-jail uid needs an allocator and a range that no
/// account uses, or one account per jail that `up` would add to the
/// password database; all relays are the same program, and a relay that
/// was taken over through a bug could reach the other jails' relays, a
/// gap SECURITY.md states.
public enum RelayUser {
    public static let name = "netns-relay"

    /// The one line that says what to do when it is missing.
    public static let missing = "the relay's user \(name) does not exist, so publish and host-service lines cannot be served; create it (as the package does): groupadd -r \(name) && useradd -r -g \(name) -d / -s /bin/false \(name)"

    /// Its uid and gid; refused when missing, when it is root's, or when
    /// it is `nobody`'s (the shared uid it exists to replace).
    public static func lookup() throws(JailError) -> (uid: uid_t, gid: gid_t) {
        guard let entry = getpwnam(name) else { throw .config(missing) }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        let nobody = getpwnam("nobody").map { $0.pointee.pw_uid }
        guard uid != 0, gid != 0, uid != nobody, uid != 65534 else {
            throw .config("the relay's user \(name) has uid \(uid) and gid \(gid); give it a uid and group of its own (not root's, not nobody's)")
        }
        return (uid, gid)
    }
}

import CLinux
import NetnsPolicy

/// The filesystem as the jailed program sees it. It does what
/// `ip netns exec` does, in a private mount namespace whose changes never
/// reach the host, and closes two leaks that `ip netns exec` leaves open:
///
///  1. /etc/netns/NAME/* shows through as /etc/* (resolv.conf above all),
///     with the launcher's own nsswitch.conf (NameServiceSwitch).
///     `ip netns exec` bind-mounts each file over its /etc name, but the
///     kernel detaches a mount whose mountpoint is renamed over in another
///     mount namespace, so the first time the host's DHCP client replaces
///     /etc/resolv.conf, every running jailed program starts using the
///     host's resolver. We mount a read-only overlay on /etc instead, with
///     a copy of the jail's files as its top layer; the host can rename
///     whatever it likes underneath. See EtcOverlay.
///  2. /sys is mounted afresh, so it lists the jail's interfaces.
///  3. /proc is mounted afresh with hidepid=ptraceable. See mountProc.
///  4. Resolvers that answer over a Unix socket (nscd, systemd-resolved,
///     avahi's mDNS) resolve in the host's network namespace, so /run is
///     rebuilt without their directories and the C library falls back to
///     the jail's own DNS. See RunView.
///  5. Wherever else the host's /run, /proc or /sys are mounted (/var/run
///     as a bind of /run), the jail's view goes over them. See HostMounts.
///  6. The jail's session, unless the policy says state=shared: its own
///     home with the user's documents shared in (JailState), and its own
///     runtime directory at /run/user/UID (JailRuntime, built with /run).
public enum MountView {
    /// What the rest of the launch needs of the jail's session.
    public struct Session {
        /// The jail's runtime directory as the jail sees it, where it has
        /// one (per-jail state, and the user has /run/user/UID).
        public var runtimeDirectory: String?
        /// What the jail's own user-dirs.dirs names (UserDirsFile); nil
        /// under state=shared or where the user has no home.
        public var userDirectories: [(key: String, folder: UserDirectories.Folder)]? = nil
    }

    public static func build(for namespace: NamespaceName, caller: Caller, sharesState: Bool,
                             usesHostResolver: Bool, sharedFolders: [String]) throws(Refusal) -> Session {
        guard cl_unshare(cl_CLONE_NEWNS) == 0 else {
            throw .system(call: "unshare", path: "CLONE_NEWNS", errno: cl_errno())
        }
        // Slave, not private: mounts the host makes later (a USB stick, say)
        // still appear inside, while nothing done here propagates out.
        guard cl_mount(nil, "/", nil, cl_MS_SLAVE | cl_MS_REC, nil) == 0 else {
            throw .system(call: "mount", path: "/ (MS_SLAVE|MS_REC)", errno: cl_errno())
        }
        // Where else the host's /run, /proc and /sys show, found before
        // anything here changes them (HostMounts).
        let runRoots = RunView.rootsToRebuild()
        let elsewhere = try HostMounts.find(in: try MountTable.read(), runRoots: runRoots)
        // Everything made here gets the mode it asks for. The caller's umask
        // applies to our mkdir and open(O_CREAT) too: with umask 0777 the
        // jail's /etc copies were mode 0000, unreadable, and the host's
        // resolv.conf showed through. It is put back for the command.
        let callerUmask = umask(0o022)
        defer { umask(callerUmask) }
        try EtcOverlay.mount(for: namespace, usesHostResolver: usesHostResolver)
        try remountSys()
        try mountProc()
        // Per-jail state also keeps the user's daemons out of reach: the
        // session bus (the other way a program reaches a copy of itself
        // outside), the user manager, and every other socket in
        // /run/user/UID but the few RuntimeDirectory allows; the jail's own
        // runtime directory is there instead.
        let runtime = sharesState ? nil : JailRuntime(namespace: namespace, uid: caller.uid)
        let hasRuntime = try RunView.build(runRoots, runtime: runtime)
        try elsewhere.apply()
        var session = Session(runtimeDirectory: hasRuntime ? runtime?.path : nil)
        if !sharesState, let home = caller.home {
            session.userDirectories = try JailState.separate(for: namespace, uid: caller.uid, home: home,
                                                             administratorShares: sharedFolders)
        }
        return session
    }

    /// A /proc of our own with hidepid=ptraceable: /proc/PID of a process
    /// the jailed program may not ptrace-read is not there at all. Without
    /// it, /proc/PID/net of any of the user's processes outside showed the
    /// host's network namespace (interfaces, addresses, routes, the
    /// gateway's MAC, connections), which a jailed program could read and
    /// send out through the tunnel; /proc/PID/oom_score_adj and the like
    /// let it reach those processes. Under a Landlock domain the processes
    /// outside fail the ptrace check, so they vanish. Yama restricts only
    /// attaching, not reading, so on a Yama-only kernel they stay visible
    /// (SECURITY.md, "Process isolation").
    static func mountProc() throws(Refusal) {
        let flags = cl_MS_NOSUID | cl_MS_NODEV | cl_MS_NOEXEC
        guard cl_mount("proc", "/proc", "proc", flags, "hidepid=ptraceable") == 0 else {
            throw .system(call: "mount", path: "/proc (hidepid=ptraceable)", errno: cl_errno())
        }
    }

    static func remountSys() throws(Refusal) {
        // EINVAL means nothing was mounted on /sys; then there is nothing
        // to hide and the fresh mount below is all that is needed.
        if cl_umount2("/sys", cl_MNT_DETACH) != 0 && cl_errno() != EINVAL {
            throw .system(call: "umount2", path: "/sys", errno: cl_errno())
        }
        let flags = cl_MS_RDONLY | cl_MS_NOSUID | cl_MS_NODEV | cl_MS_NOEXEC
        guard cl_mount("sysfs", "/sys", "sysfs", flags, nil) == 0 else {
            throw .system(call: "mount", path: "/sys", errno: cl_errno())
        }
    }
}

import CLinux
import NetnsPolicy

/// The jail's own $XDG_RUNTIME_DIR: /run/user/UID/netns-exec/NAME, kept
/// in the user's real runtime directory and put at /run/user/UID in the
/// jail's view, where the jail keeps its own state.
///
/// Programs put their single-instance sockets and locks in the runtime
/// directory (qutebrowser's IPC socket, KDE's, the session bus), so a
/// jailed program that shared the user's found the copy running outside
/// and handed it its work. With a directory of the jail's own, jailed
/// copies find one another (it lasts across launches, shared by the
/// user's launches in that jail, until the user's session ends and the
/// system removes /run/user/UID) and never a copy outside. What a desktop
/// program needs from the real directory (the display, sound, the X
/// cookie: RuntimeDirectory's allow-list) is bound in, entry by entry, in
/// this launch's mount view only; nothing else of the real one is there.
///
/// A user without /run/user/UID (no login manager made one) gets none in
/// the jail either, and no session bus: the jail's /run has no user/UID,
/// as the host has none, and the program's DBUS_SESSION_BUS_ADDRESS
/// reaches nothing (CallerEnvironment).
///
/// The directory is the caller's, and so is everything in it: it is made
/// and walked as the caller, with O_NOFOLLOW, owned by the caller, and
/// the stand-ins the real entries are bound onto are checked on the
/// descriptor the bind goes onto (RunView.bind).
struct JailRuntime {
    let namespace: NamespaceName
    let uid: uid_t

    /// The path programs see it at, in the jail's view.
    var path: String { "/run/user/\(uid)" }

    /// Puts the jail's runtime directory over the stand-in for the real
    /// one (`name` in `jail`, whose host directory is open as `host`):
    /// `fill` binds the allowed real entries into it first, listing the
    /// real directory, and the jail's directory is then bound recursively
    /// with them (a mount made on it after it is bound would not show).
    func mount(over name: [UInt8], in jail: Int32, path target: [UInt8], host: Int32,
               fill: (_ own: Int32, _ listing: Int32) throws(Refusal) -> Void) throws(Refusal) {
        let shown = String(decoding: target, as: UTF8.self)
        try JailState.requireOwned(host, by: uid, path: shown)
        let own = try JailState.walk(HostPaths.jailRuntime(namespace.value), from: host, home: shown, uid: uid)
        defer { close(own) }
        let real = cl_openat(host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard real >= 0 else { throw .system(call: "open", path: Quoted.bytes(target), errno: cl_errno()) }
        defer { close(real) }
        try fill(own, real)
        guard withName(name, { mkdirat(jail, $0, 0o700) }) == 0 else {
            throw .system(call: "mkdir", path: Quoted.bytes(target), errno: cl_errno())
        }
        let standIn = withName(name) { cl_openat(jail, $0, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0) }
        guard standIn >= 0 else { throw .system(call: "open", path: Quoted.bytes(target), errno: cl_errno()) }
        defer { close(standIn) }
        guard cl_bind_descriptor(own, standIn, 1) == 0 else {
            throw .system(call: "mount", path: "bind of the jail's runtime directory over \(Quoted.bytes(target))", errno: cl_errno())
        }
    }

    /// Makes (or finds, from an earlier launch) the stand-in `name` in the
    /// jail's runtime directory `jail`: a directory, or an empty file for
    /// anything else. False when the name holds something else (a socket,
    /// a link a jailed program made): the entry is then left out.
    static func standIn(named name: [UInt8], directory: Bool, in jail: Int32) -> Bool {
        if directory {
            return withName(name, { mkdirat(jail, $0, 0o700) }) == 0 || cl_errno() == EEXIST
        }
        // O_NONBLOCK: a FIFO under the name must not hold the launch.
        let fd = withName(name) {
            cl_openat(jail, $0, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0o400)
        }
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}

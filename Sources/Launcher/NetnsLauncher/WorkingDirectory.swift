import CLinux
import NetnsPolicy

/// The directory the command starts in: the caller's, as the jail sees it.
///
/// A process keeps its working directory across unshare and mount: it is a
/// reference to a directory, not a path. Left alone, a program started from
/// /proc, /sys/class/net, /etc, /run/nscd or ~/.config kept the host's
/// directory under the jail's view, and relative names reached what the
/// view hides: `1/net/route` the host's routes, `eth0/address` its MAC,
/// `resolv.conf` its resolver, `socket` its nscd, `qBittorrent/ipc-socket`
/// the copy running outside. So the path is remembered before the view is
/// built and looked up again in it, by `chdir` as the caller after every
/// privilege is gone: the caller gets only a directory they could reach
/// themselves with `cd`. Where the path is not there, the command starts in
/// the home directory (the password database's, else /) and one line says
/// so; that is not a refusal.
public struct WorkingDirectory: Sendable {
    /// The path, in bytes, or nil when the kernel gave none (a removed
    /// directory, or one deeper than PATH_MAX).
    let path: [UInt8]?

    /// Before the mount view: afterwards a directory under /sys (unmounted
    /// there) has no path any more.
    public static func remember() -> WorkingDirectory {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let got = buffer.withUnsafeMutableBufferPointer { getcwd($0.baseAddress!, $0.count) }
        // getcwd gives an absolute path or fails; anything else (the
        // kernel's "(unreachable)" form on an old C library) is not a path.
        guard got != nil, buffer[0] == CChar(UInt8(ascii: "/")) else { return WorkingDirectory(path: nil) }
        return WorkingDirectory(path: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) })
    }

    /// After the privilege drop: enters the path in the jail's view, else
    /// the home directory with one line saying so.
    public func enter(home: String?, jail namespace: NamespaceName) throws(Refusal) {
        if let path, withName(path, { chdir($0) }) == 0 { return }
        let code = cl_errno()
        let fallback = home.flatMap { chdir($0) == 0 ? $0 : nil } ?? "/"
        guard fallback != "/" || chdir("/") == 0 else {
            throw .system(call: "chdir", path: "/", errno: cl_errno())
        }
        let shown = path.map { Quoted.bytes($0) } ?? "the current directory (removed?)"
        let why = path == nil ? "has no path" : "is not there (\(Errno.describe(code)))"
        Console.error("\(shown) \(why) in jail \(namespace)'s view; starting in \(Quoted.text(fallback))")
    }
}

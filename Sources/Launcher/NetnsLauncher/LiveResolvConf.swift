import CLinux
import NetnsPolicy

/// The jail's live resolv.conf, /run/netns-jail/NAME/resolv.conf
/// (HostPaths.liveResolvConf), which netns-jail replaces by rename whenever
/// the jail's resolvers change (a switch to another server of its pool, a
/// live edit). EtcOverlay makes the jail's /etc/resolv.conf a link to it,
/// so programs already running follow: glibc reads resolv.conf again when
/// it changes.
///
/// Why a link cannot be turned against the jail: it lies in the overlay's
/// read-only top layer, so no jailed program can change it; it names a
/// path under /run, which in the jail is our read-only tmpfs with the
/// host's /run/netns-jail bound in (RunView), so it leads to the very
/// directories checked here; and those, with the file, must be root's and
/// not writable by group or other, as /etc/netns/NAME must (a file that
/// breaks the rule is a refusal). A jail without the file (one netns-jail
/// did not write, or an older netns-jail's) keeps the copy of
/// /etc/netns/NAME/resolv.conf made at launch, as before.
enum LiveResolvConf {
    static let name = "resolv.conf"

    /// The path the link names, once checked; nil when there is no live file.
    static func find(for namespace: NamespaceName) throws(Refusal) -> String? {
        guard let state = try RootOnlyDirectory(HostPaths.jailState),
              let dir = try RootOnlyDirectory(namespace.value, in: state) else {
            return nil
        }
        let path = HostPaths.liveResolvConf(namespace.value)
        switch try dir.open(name, shownAs: path, unreadable: "as root run: chmod 0644 \(path)") {
        case .missing:
            return nil
        case .symbolicLink:
            throw .denied("\(path) is a symbolic link; only a regular file owned by root is allowed there")
        case .opened(let file):
            defer { close(file) }
            try RootOnlyDirectory.requireRootOnly(file, what: path, isDirectory: false)
            return path
        }
    }
}

import CLinux
import NetnsPolicy

/// The host's /run, /proc and /sys wherever else they are mounted.
///
/// The view replaces /run, /proc and /sys by path, but a mount namespace can
/// show the same filesystem at other places too: /var/run as a bind mount
/// of /run (not the usual link) kept the host's /run, and glibc's nscd
/// client connects to /var/run/nscd/socket, so every jailed lookup was
/// answered by the host's nscd. Any other name could do the same. So the
/// mounts are found by what they show, not by their names: from
/// /proc/self/mountinfo, before the view is built, every mount outside the
/// replaced places whose filesystem and directory (device and root) is the
/// host's /run or lies beneath it, and every proc and sysfs mount. Once the
/// view is built, each gets the jail's view of the same directory, bound
/// over it descriptor to descriptor; where the jail's view has nothing
/// there (a hidden resolver directory), an empty read-only tmpfs. A place
/// the launcher cannot cover (a single file of a hidden directory bound
/// elsewhere, or a mount that changed meanwhile) refuses the launch.
///
/// What it does not cover: a mount the host makes after the launch (the
/// jail's namespace is the host's slave, so it arrives), and a filesystem
/// that shows /run's files through another device (an overlay with /run
/// as a layer).
struct HostMounts {
    struct Cover {
        /// Where the host's directory shows.
        let target: [UInt8]
        /// The same directory in the jail's view.
        let source: [UInt8]
        /// The mounts that may be found at `target`.
        let expected: [Int64]
    }

    let covers: [Cover]

    /// A directory of the host's /run (by device and root) and where the
    /// jail's view puts it.
    struct Identity {
        let device: [UInt8]
        let root: [UInt8]
        let jailPath: [UInt8]
    }

    /// Before the view is built. `runRoots`: the directories RunView
    /// rebuilds (/run, and /var/run where that is a directory of its own).
    static func find(in table: MountTable, runRoots: [String]) throws(Refusal) -> HostMounts {
        let replaced = (["/proc", "/sys"] + runRoots).map { Array($0.utf8) }
        var identities: [Identity] = []
        for root in runRoots {
            let fd = cl_open(root, cl_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw .system(call: "open", path: root, errno: cl_errno()) }
            defer { close(fd) }
            let path = Array(root.utf8)
            let mount = try table.mount(of: fd, path: root)
            guard PathBytes.isWithin(path, mount.point) else {
                throw .denied("\(root) is not below its own mount's path in \(MountTable.path); refusing to build the jail's view")
            }
            identities.append(Identity(device: mount.device, root: PathBytes.joined(mount.root, PathBytes.relative(path, to: mount.point)),
                                       jailPath: path))
            // Filesystems mounted inside it (the user's runtime directory,
            // /run/lock, a resolver's own tmpfs) are beneath it too.
            for inner in table.mounts where PathBytes.isWithin(inner.point, path) && inner.point != path {
                identities.append(Identity(device: inner.device, root: inner.root, jailPath: inner.point))
            }
        }

        var covers: [Cover] = []
        func add(_ target: [UInt8], _ source: [UInt8], _ mount: MountTable.Mount) {
            let stacked = table.mounts.filter { $0.point == target }.map { $0.id }
            covers.append(Cover(target: target, source: source, expected: stacked + [mount.id]))
        }
        for mount in table.mounts where !replaced.contains(where: { PathBytes.isWithin(mount.point, $0) }) {
            if mount.type == Array("proc".utf8) {
                add(mount.point, PathBytes.joined(Array("/proc".utf8), PathBytes.relative(mount.root, to: [UInt8(ascii: "/")])), mount)
                continue
            }
            if mount.type == Array("sysfs".utf8) {
                add(mount.point, PathBytes.joined(Array("/sys".utf8), PathBytes.relative(mount.root, to: [UInt8(ascii: "/")])), mount)
                continue
            }
            // The mount shows a directory of the host's /run: the most
            // specific identity says where the jail has it.
            let shows = identities.filter { $0.device == mount.device && PathBytes.isWithin(mount.root, $0.root) }
            if let best = shows.max(by: { $0.root.count < $1.root.count }) {
                add(mount.point, PathBytes.joined(best.jailPath, PathBytes.relative(mount.root, to: best.root)), mount)
                continue
            }
            // The mount shows a directory that holds the host's /run (a
            // bind of the filesystem /run is a plain directory of): /run
            // shows below it, unless something is mounted there, which is
            // then looked at on its own.
            for identity in identities where identity.device == mount.device && PathBytes.isWithin(identity.root, mount.root) {
                let target = PathBytes.joined(mount.point, PathBytes.relative(identity.root, to: mount.root))
                if replaced.contains(where: { PathBytes.isWithin(target, $0) }) { continue }
                if table.mounts.contains(where: { $0.point == target }) { continue }
                add(target, identity.jailPath, mount)
            }
        }
        // Outermost first; a place inside one already covered is covered with it.
        covers.sort { $0.target.count < $1.target.count }
        var kept: [Cover] = []
        for cover in covers where !kept.contains(where: { PathBytes.isWithin(cover.target, $0.target) }) {
            kept.append(cover)
        }
        return HostMounts(covers: kept)
    }

    /// After the view is built: the jail's view over each place.
    func apply() throws(Refusal) {
        for cover in covers {
            let shown = Quoted.bytes(cover.target)
            let target = HostMounts.open(cover.target)
            if target < 0 {
                // The caller cannot reach that place at all: nothing to cover.
                if cl_errno() == EACCES { continue }
                throw .denied("\(shown) shows the host's /run, /proc or /sys and cannot be opened to cover it (\(Errno.describe(cl_errno()))); refusing the launch")
            }
            defer { close(target) }
            guard cover.expected.contains(cl_mount_id(target)) else {
                throw .denied("the mount at \(shown) changed while the jail's view was built; try again")
            }
            var targetStat = stat()
            guard fstat(target, &targetStat) == 0 else { throw .system(call: "fstat", path: shown, errno: cl_errno()) }
            let isDirectory = targetStat.st_mode & cl_S_IFMT == cl_S_IFDIR
            let source = HostMounts.open(cover.source)
            if source < 0 {
                // The jail's view has nothing there (a hidden directory):
                // nothing is what the jail gets.
                guard isDirectory else {
                    throw .denied("\(shown) shows \(Quoted.bytes(cover.source)) of the host, which the jail hides; the launcher can hide only directories mounted elsewhere, so ask an administrator to unmount it")
                }
                let empty = cl_empty_readonly_tmpfs()
                guard empty >= 0 else { throw .system(call: "fsmount", path: "empty tmpfs", errno: cl_errno()) }
                defer { close(empty) }
                guard cl_attach_mount(empty, target) == 0 else {
                    throw .system(call: "move_mount", path: "empty tmpfs on \(shown)", errno: cl_errno())
                }
                continue
            }
            defer { close(source) }
            var sourceStat = stat()
            guard fstat(source, &sourceStat) == 0,
                  (sourceStat.st_mode & cl_S_IFMT == cl_S_IFDIR) == isDirectory else {
                throw .denied("\(shown) and the jail's \(Quoted.bytes(cover.source)) are not the same kind of file; refusing the launch")
            }
            guard cl_bind_descriptor(source, target, 1) == 0 else {
                throw .system(call: "mount", path: "bind of the jail's \(Quoted.bytes(cover.source)) over \(shown)", errno: cl_errno())
            }
        }
    }

    /// Opens an absolute path one component at a time without following a
    /// link (a mount point in mountinfo has none); a link on the way is an
    /// error (ELOOP or ENOTDIR). -1 with errno on failure.
    static func open(_ path: [UInt8]) -> Int32 {
        var current = cl_open("/", cl_O_PATH | O_DIRECTORY | O_CLOEXEC)
        for component in path.split(separator: UInt8(ascii: "/")) where current >= 0 {
            let next = withName(Array(component)) { cl_openat(current, $0, cl_O_PATH | O_NOFOLLOW | O_CLOEXEC, 0) }
            let code = cl_errno()
            close(current)
            current = next
            if next < 0 { cl_set_errno(code) }
        }
        guard current >= 0 else { return -1 }
        var st = stat()
        if fstat(current, &st) != 0 || st.st_mode & cl_S_IFMT == cl_S_IFLNK {
            close(current)
            cl_set_errno(ELOOP)
            return -1
        }
        return current
    }
}

import CLinux
import NetnsPolicy

/// A network namespace named under /run/netns, opened so that nothing but a
/// real network namespace can be entered:
///  - the name was validated, so it holds no `/` and is not `.` or `..`;
///  - it is opened with `openat(/run/netns, name, O_NOFOLLOW)`, so a
///    symbolic link planted there is refused, not followed;
///  - the open file must be on nsfs and NS_GET_NSTYPE must say CLONE_NEWNET,
///    so a regular file, or a mount or user namespace bind-mounted at that
///    name, is refused;
///  - the network namespace must belong to our own (the initial) user
///    namespace.
public struct NamespaceFile: ~Copyable {
    public static let directory = HostPaths.namespaces

    let fd: Int32
    let name: NamespaceName

    public static func exists(_ name: NamespaceName) -> Bool {
        guard let file = try? NamespaceFile(name) else { return false }
        _ = file
        return true
    }

    public init(_ name: NamespaceName) throws(Refusal) {
        self.name = name
        let path = NamespaceFile.directory + "/" + name.value
        // Only root may add, rename or remove names here; otherwise a user
        // could at least swap or detach other people's jails.
        guard let dir = try RootOnlyDirectory(NamespaceFile.directory) else { throw NamespaceFile.missing(name) }
        let fd: Int32
        let lookup: RootOnlyDirectory.Lookup
        do { lookup = try dir.open(name.value, shownAs: path) } catch {
            // EACCES: the file has mode 0, which we may not open.
            if NamespaceFile.isPlaceholder(name, in: dir) { throw NamespaceFile.notUpYet(name) }
            throw error
        }
        switch lookup {
        case .opened(let file): fd = file
        case .missing: throw NamespaceFile.missing(name)
        case .symbolicLink: throw .denied("\(path) is a symbolic link, not a namespace; refusing it")
        }
        guard cl_fd_is_nsfs(fd) == 1, cl_ns_get_nstype(fd) == cl_CLONE_NEWNET else {
            close(fd)
            if NamespaceFile.isPlaceholder(name, in: dir) { throw NamespaceFile.notUpYet(name) }
            throw .denied("\(path) is not a network namespace; refusing it")
        }
        // The owner of a user namespace holds every capability over the
        // namespaces it owns. A jail whose network namespace belongs to a
        // user's own user namespace would give that user's jailed program
        // CAP_NET_ADMIN over the jail: kill switch, routes and all.
        let owned = cl_ns_owned_by_own_userns(fd)
        guard owned == 1 else {
            let code = cl_errno()
            close(fd)
            if owned < 0 { throw .system(call: "ioctl(NS_GET_USERNS)", path: path, errno: code) }
            throw .denied("\(path) belongs to another user namespace, whose owner controls its network; refusing it (as root: netns-jail down \(name); netns-jail up \(name))")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Opens the namespace as above and enters it: the whole step.
    public static func enter(_ name: NamespaceName) throws(Refusal) {
        let file = try NamespaceFile(name)
        try file.enter()
    }

    /// setns(2) into the namespace. The descriptor is closed afterwards so
    /// that nothing of it reaches the command.
    public consuming func enter() throws(Refusal) {
        let rc = cl_setns(fd, cl_CLONE_NEWNET)
        let code = cl_errno()
        guard rc == 0 else {
            // EPERM with the capability in hand is a security module's
            // denial (AppArmor, SELinux), not a missing setcap.
            if code == EPERM && cl_has_cap_sys_admin() != 1 { throw Privileges.missingCapabilityRefusal() }
            if code == EPERM {
                throw .system(call: "setns", path: NamespaceFile.directory + "/" + name.value, errno: code,
                              hint: "refused although netns-exec holds CAP_SYS_ADMIN: a security module (AppArmor, SELinux) denies it; see its log")
            }
            throw .system(call: "setns", path: NamespaceFile.directory + "/" + name.value, errno: code)
        }
    }

    /// `ip netns add` creates the name as an empty regular file of mode 0
    /// and only then mounts the namespace over it; `ip netns del` unmounts
    /// first and unlinks after. In between, a launch meets that file:
    /// opening it fails with EACCES (we have no DAC override), and root
    /// would find a file that is not a namespace. Either way it is refused
    /// (nothing is entered); this only chooses the words. Only root can
    /// create files in /run/netns (RootOnlyDirectory), so the shape cannot
    /// be planted by a user to change a refusal.
    static func isPlaceholder(_ name: NamespaceName, in dir: borrowing RootOnlyDirectory) -> Bool {
        var st = stat()
        guard fstatat(dir.fd, name.value, &st, cl_AT_SYMLINK_NOFOLLOW) == 0 else { return false }
        return st.st_mode & cl_S_IFMT == cl_S_IFREG && st.st_mode & 0o7777 == 0 && st.st_size == 0 && st.st_uid == 0
    }

    static func notUpYet(_ name: NamespaceName) -> Refusal {
        .denied("namespace \(name) is not up yet: netns-jail is still creating (or removing) it; try again when it has finished (as root: netns-jail status \(name))")
    }

    static func missing(_ name: NamespaceName) -> Refusal {
        .denied("namespace \(name) does not exist: is the jail up? (as root: netns-jail up \(name))")
    }
}

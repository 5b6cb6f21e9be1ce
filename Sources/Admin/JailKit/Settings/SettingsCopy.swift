import Glibc

/// `netns-jail settings`: a program's settings copied from the user's home
/// into one jail's own, as the user, with what ties them to a running
/// process or to an identity left behind (SettingsTarget, LeftBehind).
///
/// All or nothing: every root is copied under a temporary name beside its
/// place first; only when all are complete is each put in place (the
/// jail's old one, with --replace, renamed to a backup), and a failure
/// puts back what was moved and removes the copies.
public struct SettingsCopy {
    public struct Report: Sendable {
        public var copied: [(from: String, to: String, files: Int)] = []
        public var left: [(path: String, reason: LeftReason)] = []
        public var filtered: [(path: String, removed: Int)] = []
        public var backups: [String] = []
        /// Roots the jail sees as the user's own already.
        public var shared: [String] = []
        /// The program's places there are that are not copied at all, and why.
        public var notCopied: [(path: String, why: String)] = []
    }

    let target: SettingsTarget
    let jail: String
    let home: String
    let uid: uid_t
    let replace: Bool
    /// Names the backups: `qBittorrent.before-copy-STAMP`.
    let stamp: String

    public init(target: SettingsTarget, jail: String, home: String, uid: uid_t, replace: Bool, stamp: String) {
        self.target = target
        self.jail = jail
        self.home = home
        self.uid = uid
        self.replace = replace
        self.stamp = stamp
    }

    /// One root to copy: its source parent and name, its place's parent and name.
    struct Item {
        let root: String, destination: String
        let sourceParent: Int32, sourceName: String
        let destinationParent: Int32, destinationName: String
        var exists: Bool
        var temporary: String { ".\(destinationName).netns-settings-\(getpid())" }
        var backup: String { "\(destinationName).before-copy-" }
    }

    public func run() throws(JailError) -> Report {
        var report = Report()
        let homeFD = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard homeFD >= 0 else { throw .failure("cannot open your home \(home): \(String(cString: strerror(errno)))") }
        defer { close(homeFD) }
        var items: [Item] = []
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }

        for root in target.roots {
            guard case .jail(let destination) = JailStore.place(of: root, jail: jail) else {
                report.shared.append(root)
                continue
            }
            let (parentPath, name) = Self.split(root)
            guard let parent = try openBeneath(homeFD, parentPath, create: false) else { continue }
            opened.append(parent)
            var st = stat()
            guard fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw .failure("cannot read ~/\(root): \(String(cString: strerror(errno)))")
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR, S_IFREG: break
            case S_IFLNK: report.left.append((root, .link)); continue
            default: report.left.append((root, .special)); continue
            }
            let (destinationParentPath, destinationName) = Self.split(destination)
            guard let destinationParent = try openBeneath(homeFD, destinationParentPath, create: true) else {
                throw .failure("cannot create ~/\(destinationParentPath)")
            }
            opened.append(destinationParent)
            let exists = fstatat(destinationParent, destinationName, &st, AT_SYMLINK_NOFOLLOW) == 0
            items.append(Item(root: root, destination: destination, sourceParent: parent, sourceName: name,
                              destinationParent: destinationParent, destinationName: destinationName, exists: exists))
        }
        for (path, why) in target.notCopied {
            var st = stat()
            if fstatat(homeFD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 { report.notCopied.append((path, why)) }
        }
        guard !items.isEmpty else {
            let looked = target.roots.filter { !report.shared.contains($0) }.map { "~/" + $0 }
            if looked.isEmpty {
                throw .failure("the jail \(jail) sees your own settings of \(target.title) already; nothing to copy")
            }
            throw .failure("no settings of \(target.title) found in \(looked.joined(separator: ", ")); nothing was copied")
        }
        if !replace, let first = items.first(where: \.exists) {
            let more = items.filter(\.exists).count - 1
            throw .config("the jail \(jail) has its own settings of \(target.title) at ~/\(first.destination)\(more > 0 ? " and \(more) more" : ""); pass --replace to replace them (the jail's are kept as a backup beside them)")
        }

        // What a run killed part-way left (its process is gone) goes first.
        for item in items { Self.removeStaleTemporaries(item) }
        // Copy every root under its temporary name.
        var tree = ProfileTree(rules: target.rules, filters: target.filters)
        var made: [Item] = []
        for item in items {
            let before = tree.files
            do throws(ProfileTree.Failure) {
                made.append(item)
                try tree.copyEntry(item.sourceName, as: item.temporary, from: item.sourceParent,
                                   into: item.destinationParent, path: item.root, depth: -1)
            } catch {
                for done in made { Self.removeTree(done.destinationParent, done.temporary) }
                throw .failure("\(error.message); nothing was copied")
            }
            report.copied.append((item.root, item.destination, tree.files - before))
        }
        report.left += tree.left
        report.filtered = tree.filtered

        // Put them in place, keeping what the jail had.
        var placed: [(Item, backup: String?)] = []
        for item in items {
            var backup: String?
            if item.exists {
                let name = item.backup + stamp
                guard renameat(item.destinationParent, item.destinationName, item.destinationParent, name) == 0 else {
                    let code = errno
                    Self.undo(placed, all: items)
                    throw .failure("cannot keep ~/\(item.destination) as \(name): \(String(cString: strerror(code))); nothing was changed")
                }
                backup = name
            }
            guard renameat(item.destinationParent, item.temporary, item.destinationParent, item.destinationName) == 0 else {
                let code = errno
                if let backup { _ = renameat(item.destinationParent, backup, item.destinationParent, item.destinationName) }
                Self.undo(placed, all: items)
                throw .failure("cannot put the copy at ~/\(item.destination): \(String(cString: strerror(code))); nothing was changed")
            }
            placed.append((item, backup))
            if let backup {
                let (parent, _) = Self.split(item.destination)
                report.backups.append(parent + "/" + backup)
            }
        }
        return report
    }

    /// Puts back what was placed, then removes every temporary copy.
    static func undo(_ placed: [(Item, backup: String?)], all items: [Item]) {
        for (item, backup) in placed.reversed() {
            _ = renameat(item.destinationParent, item.destinationName, item.destinationParent, item.temporary)
            if let backup { _ = renameat(item.destinationParent, backup, item.destinationParent, item.destinationName) }
        }
        for item in items { removeTree(item.destinationParent, item.temporary) }
    }

    /// `.NAME.netns-settings-PID` beside the place, of a run that is gone.
    static func removeStaleTemporaries(_ item: Item) {
        let prefix = ".\(item.destinationName).netns-settings-"
        let fd = dup(item.destinationParent)
        guard fd >= 0, let dir = fdopendir(fd) else { return }
        defer { closedir(dir) }
        var stale: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)) else { continue }
            var st = stat()
            if pid != getpid() && stat("/proc/\(pid)", &st) != 0 { stale.append(name) }
        }
        for name in stale { removeTree(item.destinationParent, name) }
    }

    /// Opens a home-relative directory one component at a time without
    /// following links; with `create`, missing ones are made (0700, as the
    /// jail's launcher makes them). nil when a component is missing.
    func openBeneath(_ homeFD: Int32, _ relative: String, create: Bool) throws(JailError) -> Int32? {
        var current = dup(homeFD)
        var path = "~"
        for component in relative.split(separator: "/") {
            let name = String(component)
            path += "/" + name
            var next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 && errno == ENOENT && create {
                if mkdirat(current, name, 0o700) != 0 && errno != EEXIST {
                    let code = errno
                    close(current)
                    throw .failure("cannot create \(path): \(String(cString: strerror(code)))")
                }
                next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let code = errno
            close(current)
            guard next >= 0 else {
                if code == ENOENT && !create { return nil }
                if code == ELOOP || code == ENOTDIR {
                    throw .failure("\(path) is not a directory (a link?); nothing was copied")
                }
                throw .failure("cannot open \(path): \(String(cString: strerror(code)))")
            }
            var st = stat()
            guard fstat(next, &st) == 0, st.st_uid == uid else {
                close(next)
                throw .failure("\(path) is not yours; nothing was copied")
            }
            current = next
        }
        return current
    }

    /// Removes `name` beneath `parent` and everything below it, without
    /// following links; best effort (a temporary copy of ours).
    static func removeTree(_ parent: Int32, _ name: String, depth: Int = 0) {
        if unlinkat(parent, name, 0) == 0 || errno == ENOENT { return }
        // Deeper than a copy can be (ProfileTree.maxDepth), with room.
        guard depth < 4 * ProfileTree.maxDepth else { return }
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0, let dir = fdopendir(fd) else { return }
        var names: [String] = []
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if entryName != "." && entryName != ".." { names.append(entryName) }
        }
        for entryName in names { removeTree(dirfd(dir), entryName, depth: depth + 1) }
        closedir(dir)
        _ = unlinkat(parent, name, AT_REMOVEDIR)
    }

    /// "a/b/c" as ("a/b", "c").
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}

import Glibc

/// Copies one directory tree (or one file) of settings, descriptor to
/// descriptor, leaving behind what the target's rules and the file types
/// say.
///
/// The source is the user's real home, which jailed programs may write in
/// places (and an ordinary program may race): a link planted in a profile
/// must not bring `~/.ssh` into the jail's store. So nothing is looked up
/// by path: every name is opened beneath its parent's descriptor with
/// O_NOFOLLOW, its type taken from that descriptor, and a link is never
/// followed. A link whose target is relative and stays inside the copied
/// tree is copied as a link (it still points at the copy); any other is
/// left, and said.
struct ProfileTree {
    /// Why a copy stopped: the step, the home-relative path and errno.
    struct Failure: Error {
        let call: String, path: String, errno: Int32
        /// The call failed on the copy being made, not on the source.
        var onCopy = false
        var message: String {
            "\(call)(\(onCopy ? "the copy of " : "")~/\(path)): \(String(cString: strerror(errno)))"
        }
    }

    let rules: [LeaveRule]
    let filters: [String: ContentFilter]
    /// Bounds: a profile deeper or larger than this is not a profile.
    static let maxDepth = 48
    static let maxEntries = 400_000

    private(set) var files = 0
    private(set) var left: [(path: String, reason: LeftReason)] = []
    private(set) var filtered: [(path: String, removed: Int)] = []
    private var entries = 0

    init(rules: [LeaveRule], filters: [String: ContentFilter]) {
        self.rules = rules
        self.filters = filters
    }

    /// Copies the directory `src` (opened O_DIRECTORY) into the empty
    /// directory `dst`. `path` is src's home-relative path, for the report.
    mutating func copyDirectory(_ src: Int32, into dst: Int32, path: String, depth: Int) throws(Failure) {
        guard depth < Self.maxDepth else { throw Failure(call: "copy", path: path, errno: ELOOP) }
        let listing = dup(src)
        guard listing >= 0, let dir = fdopendir(listing) else {
            throw Failure(call: "opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries += 1
            guard entries <= Self.maxEntries else { throw Failure(call: "copy", path: path, errno: EFBIG) }
            names.append(name)
        }
        for name in names.sorted() {
            try copyEntry(name, from: src, into: dst, path: path + "/" + name, depth: depth)
        }
    }

    mutating func copyEntry(_ name: String, from src: Int32, into dst: Int32, path: String, depth: Int) throws(Failure) {
        try copyEntry(name, as: name, from: src, into: dst, path: path, depth: depth)
    }

    /// Copies `name` in `src` to `copy` in `dst` (the same name, except
    /// for a root, which is copied under a temporary name first).
    mutating func copyEntry(_ name: String, as copy: String, from src: Int32, into dst: Int32, path: String, depth: Int) throws(Failure) {
        var st = stat()
        guard fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }   // gone since the listing
            throw Failure(call: "stat", path: path, errno: errno)
        }
        if depth >= 0, let reason = LeftBehind.reason(for: name, rules: rules) {
            left.append((path, reason))
            return
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdirat(dst, copy, (st.st_mode & 0o777) | 0o700) == 0 else {
                throw Failure(call: "mkdir", path: path, errno: errno, onCopy: true)
            }
            let from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard from >= 0 else { throw Failure(call: "open", path: path, errno: errno) }
            defer { close(from) }
            let to = openat(dst, copy, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard to >= 0 else { throw Failure(call: "open", path: path, errno: errno, onCopy: true) }
            defer { close(to) }
            try copyDirectory(from, into: to, path: path, depth: depth + 1)
        case S_IFREG:
            try copyFile(name, as: copy, from: src, into: dst, path: path)
        case S_IFLNK:
            try copyLink(name, as: copy, from: src, into: dst, path: path, depth: depth)
        case S_IFSOCK: left.append((path, .socket))
        case S_IFIFO: left.append((path, .fifo))
        case S_IFCHR, S_IFBLK: left.append((path, .device))
        default: left.append((path, .special))
        }
    }

    /// A regular file, opened without following a link and without
    /// blocking (a FIFO swapped in since the stat is refused by the type
    /// check on the descriptor, never waited on).
    mutating func copyFile(_ name: String, as copy: String, from src: Int32, into dst: Int32, path: String) throws(Failure) {
        let from = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard from >= 0 else {
            if errno == ELOOP || errno == ENXIO { left.append((path, .special)); return }
            throw Failure(call: "open", path: path, errno: errno)
        }
        defer { close(from) }
        var st = stat()
        guard fstat(from, &st) == 0 else { throw Failure(call: "fstat", path: path, errno: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { left.append((path, .special)); return }
        var filteredBytes: [UInt8]?
        if let filter = filters[name] {
            let bytes: [UInt8]
            do { bytes = try Descriptor.readAll(from, limit: 64 << 20) } catch {
                throw Failure(call: "read", path: path, errno: error.errno)
            }
            guard bytes.count <= 64 << 20, let (kept, removed) = filter.apply(to: bytes) else {
                left.append((path, .account))
                return
            }
            if removed > 0 { filtered.append((path, removed)) }
            filteredBytes = kept
        }
        let to = openat(dst, copy, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0o777)
        guard to >= 0 else { throw Failure(call: "create", path: path, errno: errno, onCopy: true) }
        defer { close(to) }
        if let filteredBytes {
            guard Descriptor.writeAll(to, filteredBytes) else { throw Failure(call: "write", path: path, errno: errno) }
        } else {
            try stream(from, to, path: path)
        }
        files += 1
    }

    func stream(_ from: Int32, _ to: Int32, path: String) throws(Failure) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure(call: "read", path: path, errno: errno) }
            if n == 0 { return }
            guard Descriptor.writeAll(to, Array(buffer[0..<n])) else {
                throw Failure(call: "write", path: path, errno: errno)
            }
        }
    }

    /// A link is copied only when it cannot lead out of the tree: its
    /// target relative, and never climbing above the copied root.
    mutating func copyLink(_ name: String, as copy: String, from src: Int32, into dst: Int32, path: String, depth: Int) throws(Failure) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlinkat(src, name, &buffer, buffer.count - 1)
        guard n >= 0 else { throw Failure(call: "readlink", path: path, errno: errno) }
        let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard depth >= 0, Self.staysInside(target, depth: depth) else {
            left.append((path, .link))
            return
        }
        guard symlinkat(target, dst, copy) == 0 else { throw Failure(call: "symlink", path: path, errno: errno) }
    }

    /// Whether a link `depth` directories below the copied root, pointing
    /// at `target`, resolves inside the root. `..` may only lead the
    /// target: after a name, which may itself be a link, `..` climbs from
    /// wherever that link led, which no reading of the text can bound.
    /// Each link passed on the way is checked where it is copied.
    static func staysInside(_ target: String, depth: Int) -> Bool {
        guard !target.isEmpty, !target.hasPrefix("/") else { return false }
        var level = depth
        var descended = false
        for component in target.split(separator: "/") {
            if component == "." { continue }
            if component == ".." {
                if descended { return false }
                level -= 1
                if level < 0 { return false }
            } else {
                descended = true
            }
        }
        return true
    }
}

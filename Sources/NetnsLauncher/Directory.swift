import CLinux

/// Listing a directory the launcher holds open, for the /etc and /run views.
/// The listing is bounded: a directory with more entries than the caller
/// expects is a refusal, never a partial view.
enum Directory {
    enum Kind: Equatable { case directory, symlink, other }

    struct Entry {
        let name: String
        let type: Kind
    }

    static func entries(_ dir: Int32, path: String, limit: Int) throws(Refusal) -> [Entry] {
        // fdopendir takes ownership of its descriptor, so give it a copy.
        let copy = cl_dup_cloexec(dir)
        guard copy >= 0, let stream = fdopendir(copy) else {
            throw .system(call: "fdopendir", path: path, errno: cl_errno())
        }
        defer { closedir(stream) }
        var found: [Entry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            guard found.count < limit else {
                throw .denied("\(path) holds more than \(limit) entries; refusing it")
            }
            found.append(Entry(name: name, type: try kind(entry.pointee.d_type, name, in: dir, path: path)))
        }
        return found
    }

    /// d_type, or lstat's answer where the filesystem gives DT_UNKNOWN.
    static func kind(_ type: UInt8, _ name: String, in dir: Int32, path: String) throws(Refusal) -> Kind {
        switch Int32(type) {
        case cl_DT_DIR: return .directory
        case cl_DT_LNK: return .symlink
        case cl_DT_UNKNOWN:
            var st = stat()
            guard fstatat(dir, name, &st, cl_AT_SYMLINK_NOFOLLOW) == 0 else {
                // Gone since it was listed: nothing of it can be reached.
                if cl_errno() == ENOENT { return .other }
                throw .system(call: "stat", path: path + "/" + name, errno: cl_errno())
            }
            if st.st_mode & cl_S_IFMT == cl_S_IFDIR { return .directory }
            if st.st_mode & cl_S_IFMT == cl_S_IFLNK { return .symlink }
            return .other
        default: return .other
        }
    }
}

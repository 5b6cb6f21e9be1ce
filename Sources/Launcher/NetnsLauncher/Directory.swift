import CLinux
import NetnsPolicy

/// Listing a directory the launcher holds open, for the /etc and /run views.
/// The listing is bounded: a directory with more entries than the caller
/// expects is a refusal, never a partial view.
enum Directory {
    enum Kind: Equatable { case directory, symlink, other }

    struct Entry {
        /// The name exactly as the kernel gave it. Names are bytes, not
        /// text: two names that differ only in bytes that are not UTF-8
        /// (`\xfe`, `\xfd`) are two entries, so whatever acts on an entry
        /// uses these bytes (`withName`) and never the decoded `name`.
        let bytes: [UInt8]
        let type: Kind
        /// For messages and for names the launcher compares with its own
        /// (ASCII) ones: bytes that are not UTF-8 become U+FFFD here.
        var name: String { String(decoding: bytes, as: UTF8.self) }
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
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            guard found.count < limit else {
                throw .denied("\(path) holds more than \(limit) entries; refusing it")
            }
            found.append(Entry(bytes: name, type: try kind(entry.pointee.d_type, name, in: dir, path: path)))
        }
        return found
    }

    /// d_type, or lstat's answer where the filesystem gives DT_UNKNOWN.
    static func kind(_ type: UInt8, _ name: [UInt8], in dir: Int32, path: String) throws(Refusal) -> Kind {
        switch Int32(type) {
        case cl_DT_DIR: return .directory
        case cl_DT_LNK: return .symlink
        case cl_DT_UNKNOWN:
            var st = stat()
            guard withName(name, { fstatat(dir, $0, &st, cl_AT_SYMLINK_NOFOLLOW) }) == 0 else {
                // Gone since it was listed: nothing of it can be reached.
                if cl_errno() == ENOENT { return .other }
                throw .system(call: "stat", path: path + "/" + Quoted.bytes(name), errno: cl_errno())
            }
            if st.st_mode & cl_S_IFMT == cl_S_IFDIR { return .directory }
            if st.st_mode & cl_S_IFMT == cl_S_IFLNK { return .symlink }
            return .other
        default: return .other
        }
    }
}

/// Calls `body` with `name` as a NUL-terminated C string, byte for byte.
func withName<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    var terminated = name
    terminated.append(0)
    return terminated.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
    }
}

import CLinux
import NetnsLimits

/// The mounts of our mount namespace, as /proc/self/mountinfo lists them:
/// for each, which filesystem (device) and which directory of it (root)
/// shows at which path (point). Paths are bytes, unescaped.
struct MountTable {
    struct Mount {
        let id: Int64
        let device: [UInt8]     // "major:minor", compared as given
        let root: [UInt8]
        let point: [UInt8]
        let type: [UInt8]
    }

    let mounts: [Mount]

    static let path = "/proc/self/mountinfo"
    static let maximumSize = Int(NX_MOUNTINFO_MAX_BYTES)

    /// A table we cannot read or understand is a refusal: the view must
    /// know every mount to leave none of the host's behind.
    static func read() throws(Refusal) -> MountTable {
        let fd = cl_open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(call: "open", path: path, errno: cl_errno()) }
        defer { close(fd) }
        guard let bytes = try Descriptor.readAll(fd, limit: maximumSize, expected: 65536, path: path) else {
            throw .denied("\(path) is larger than \(maximumSize) bytes; refusing to build the jail's view from part of it")
        }
        var mounts: [Mount] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let mount = parse(Array(line)) else {
                throw .denied("\(path) has a line netns-exec cannot read; refusing to build the jail's view")
            }
            mounts.append(mount)
        }
        return MountTable(mounts: mounts)
    }

    /// `ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER`
    static func parse(_ line: [UInt8]) -> Mount? {
        let fields = line.split(separator: UInt8(ascii: " ")).map { Array($0) }
        guard fields.count >= 8, let id = number(fields[0]),
              let dash = fields[6...].firstIndex(of: [UInt8(ascii: "-")]), dash + 1 < fields.count,
              let root = unescape(fields[3]), let point = unescape(fields[4]) else { return nil }
        return Mount(id: id, device: fields[2], root: root, point: point, type: fields[dash + 1])
    }

    static func number(_ digits: [UInt8]) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(d - UInt8(ascii: "0"))
        }
        return value
    }

    /// The kernel writes space, tab, newline and backslash in paths as
    /// `\ooo` (octal).
    static func unescape(_ field: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        while i < field.count {
            if field[i] != UInt8(ascii: "\\") { out.append(field[i]); i += 1; continue }
            guard i + 3 < field.count else { return nil }
            var value = 0
            for d in field[(i + 1)...(i + 3)] {
                guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { return nil }
                value = value * 8 + Int(d - UInt8(ascii: "0"))
            }
            guard value < 256 else { return nil }
            out.append(UInt8(value))
            i += 4
        }
        return out
    }

    /// The mount that `fd` is on.
    func mount(of fd: Int32, path: String) throws(Refusal) -> Mount {
        let id = cl_mount_id(fd)
        guard id >= 0 else { throw .system(call: "statx", path: path, errno: cl_errno()) }
        guard let found = mounts.last(where: { $0.id == id }) else {
            throw .denied("\(path) is on a mount that \(MountTable.path) does not list; refusing to build the jail's view")
        }
        return found
    }
}

/// Paths as bytes: `a` is `b` or lies beneath it.
func isWithin(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    if b == [UInt8(ascii: "/")] { return a.first == UInt8(ascii: "/") }
    return a == b || (a.starts(with: b) && a.count > b.count && a[b.count] == UInt8(ascii: "/"))
}

/// The part of `a` below `b` (which it is within), without a leading
/// slash: "" when they are the same.
func relative(_ a: [UInt8], to b: [UInt8]) -> [UInt8] {
    if a == b { return [] }
    let cut = b == [UInt8(ascii: "/")] ? 1 : b.count + 1
    return Array(a.dropFirst(cut))
}

/// `base` and the relative path `rest` joined with one slash.
func joined(_ base: [UInt8], _ rest: [UInt8]) -> [UInt8] {
    if rest.isEmpty { return base }
    if base.last == UInt8(ascii: "/") { return base + rest }
    return base + [UInt8(ascii: "/")] + rest
}

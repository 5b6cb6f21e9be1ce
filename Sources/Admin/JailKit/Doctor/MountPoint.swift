/// Which mount holds a path, from /proc/self/mountinfo, so that a doctor
/// line can name the mount point to remount rather than the file.
enum MountPoint {
    /// The longest mount point that contains `path` (an absolute path with
    /// symlinks resolved).
    static func containing(_ path: String, mountinfo: String) -> String? {
        var best: String?
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4 else { continue }
            let point = unescape(fields[4])
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains && point.count >= (best?.count ?? 0) { best = point }
        }
        return best
    }

    static func containing(_ path: String) -> String? {
        let bytes = readSmallFile("/proc/self/mountinfo", limit: 1 << 20)
        return containing(path, mountinfo: String(decoding: bytes, as: UTF8.self))
    }

    /// The kernel writes space, tab, newline and backslash as \ooo.
    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(field.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "\\"), input.count >= 3,
               let value = UInt8(String(decoding: input.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                input = input.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

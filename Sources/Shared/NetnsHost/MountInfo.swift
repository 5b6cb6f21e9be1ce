/// A line of /proc/PID/mountinfo: which filesystem (device) and which
/// directory of it (root) shows at which path (point). Paths are bytes,
/// unescaped. The launcher's MountTable reads the lines; a line this does
/// not understand is a refusal there, as the view must know every mount.
public struct MountInfo: Equatable {
    public let id: Int64
    public let device: [UInt8]     // "major:minor", compared as given
    public let root: [UInt8]
    public let point: [UInt8]
    public let type: [UInt8]

    /// `ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER`
    public init?(line: [UInt8]) {
        let fields = line.split(separator: UInt8(ascii: " ")).map { Array($0) }
        guard fields.count >= 8, let id = MountInfo.number(fields[0]),
              let dash = fields[6...].firstIndex(of: [UInt8(ascii: "-")]), dash + 1 < fields.count,
              let root = MountInfo.unescape(fields[3]), let point = MountInfo.unescape(fields[4]) else { return nil }
        self.id = id
        device = fields[2]
        self.root = root
        self.point = point
        type = fields[dash + 1]
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
}

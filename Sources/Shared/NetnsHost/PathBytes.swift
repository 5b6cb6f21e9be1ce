/// Absolute paths as bytes, compared component-wise (the launcher's
/// HostMounts finds with these every place the host's /run, /proc and /sys
/// show up). No path is looked up here.
public enum PathBytes {
    /// `a` is `b` or lies beneath it.
    public static func isWithin(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if b == [UInt8(ascii: "/")] { return a.first == UInt8(ascii: "/") }
        return a == b || (a.starts(with: b) && a.count > b.count && a[b.count] == UInt8(ascii: "/"))
    }

    /// The part of `a` below `b` (which it is within), without a leading
    /// slash: "" when they are the same.
    public static func relative(_ a: [UInt8], to b: [UInt8]) -> [UInt8] {
        if a == b { return [] }
        let cut = b == [UInt8(ascii: "/")] ? 1 : b.count + 1
        return Array(a.dropFirst(cut))
    }

    /// `base` and the relative path `rest` joined with one slash.
    public static func joined(_ base: [UInt8], _ rest: [UInt8]) -> [UInt8] {
        if rest.isEmpty { return base }
        if base.last == UInt8(ascii: "/") { return base + rest }
        return base + [UInt8(ascii: "/")] + rest
    }
}

import CLinux

/// Whole reads and writes on a descriptor: the one place in the launcher
/// where short counts and EINTR are handled.
enum Descriptor {
    /// Everything `fd` holds, read to its end; nil when that is more than
    /// `limit` bytes (nothing beyond limit + 1 is ever buffered). `expected`
    /// sizes the first buffer, for a file whose size fstat gave.
    static func readAll(_ fd: Int32, limit: Int, expected: Int = 16384, path: String) throws(Refusal) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: min(limit, expected) + 1)
        var used = 0
        while true {
            if used == bytes.count {
                if used > limit { return nil }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit + 1 - bytes.count)))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, $0.count - used) }
            if n == 0 { break }
            if n < 0 {
                if cl_errno() == EINTR { continue }
                throw .system(call: "read", path: path, errno: cl_errno())
            }
            used += n
        }
        guard used <= limit else { return nil }
        bytes.removeSubrange(used...)
        return bytes
    }

    /// Writes all of `bytes`. Returns 0, or the errno that stopped it.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n > 0 { done += n; continue }
            if n < 0 && cl_errno() == EINTR { continue }
            return n < 0 ? cl_errno() : EIO
        }
        return 0
    }
}

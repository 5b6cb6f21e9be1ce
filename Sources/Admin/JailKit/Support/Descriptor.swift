import Glibc

/// JailKit's one read-to-the-end and write-everything loop: EINTR and
/// short counts are handled here and nowhere else. (The launcher, an
/// embedded binary of its own, has its own helper in NetnsLauncher, with
/// its own error type; docs/DESIGN.md, "One host contract", says why.)
enum Descriptor {
    /// What a failed read(2) or write(2) said.
    struct Failure: Error { let errno: Int32 }

    /// The bytes from `fd`'s offset to end of file, at most `limit + 1` of
    /// them: one more than the limit is how a caller tells a file that is
    /// too long from one that is exactly as long as allowed, without ever
    /// holding more of it.
    static func readAll(_ fd: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            if n == 0 { break }
            total += n
        }
        return Array(bytes[0..<total])
    }

    /// Writes all of `bytes`; false when a write fails or writes nothing.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}

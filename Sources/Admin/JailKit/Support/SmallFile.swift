import Glibc

/// At most `limit` bytes of a small file (a /proc entry, a PID record);
/// empty when it cannot be opened or read. Callers parse what they get and
/// treat a short or empty answer as "unknown".
func readSmallFile(_ path: String, limit: Int) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    return Array(((try? Descriptor.readAll(fd, limit: limit)) ?? []).prefix(limit))
}

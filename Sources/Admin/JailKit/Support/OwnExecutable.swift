import Glibc

/// The netns-jail that runs, as the supervisor and the relay are started
/// from it.
enum OwnExecutable {
    /// What the supervisor and the relay are started from: the very file
    /// this process runs, through the kernel's reference to it, never its
    /// path again. Root chose to run this file; a path looked up a second
    /// time could meanwhile name another one (a directory a user can write
    /// above it), which would then run as root. After a package upgrade
    /// replaced it, a supervisor's relay is still its own version; `up`,
    /// the new file, starts the new supervisor.
    static let image = "/proc/self/exe"

    /// This netns-jail's path, for the child's argv[0] (its command line is
    /// how its PID record is recognised).
    static func path() throws(JailError) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw .failure("readlink(/proc/self/exe): \(String(cString: strerror(errno)))") }
        var executable = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Replaced by a package upgrade while we ran: the name it had.
        if executable.hasSuffix(" (deleted)") { executable.removeLast(10) }
        return executable
    }
}

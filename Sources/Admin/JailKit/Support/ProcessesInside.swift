import Glibc
import NetnsPolicy

/// A process whose network namespace is the jail's.
public struct JailedProcess: Sendable, Codable, Equatable {
    public let pid: Int32
    /// Quoted (ProcessesInside.commandLine): safe to print.
    public let command: String
}

public enum ProcessesInside {
    /// Identity of a namespace file: an nsfs inode is the namespace.
    static func identity(of path: String) -> (dev: UInt64, ino: UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// Every process whose /proc/PID/ns/net is the namespace at `namespaceFile`.
    /// Processes that exit during the scan are simply not listed.
    public static func scan(namespaceFile: String) -> [JailedProcess] {
        guard let target = identity(of: namespaceFile), let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var found: [JailedProcess] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard let pid = Int32(name), pid > 0 else { continue }
            guard let ns = identity(of: "/proc/\(pid)/ns/net"), ns.dev == target.dev, ns.ino == target.ino else { continue }
            found.append(JailedProcess(pid: pid, command: commandLine(of: pid)))
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// The command line as it may be printed: NULs shown as spaces, then
    /// quoted (NetnsPolicy's Quoted, at most 200 bytes), or the quoted
    /// command name in brackets when the command line is empty. A jailed
    /// program chooses both (its argv, prctl(PR_SET_NAME)), so raw they
    /// could put terminal controls on root's console: a changed window
    /// title, an erased line, a forged "is down" line, the clipboard.
    public static func commandLine(of pid: Int32) -> String {
        var bytes = readSmallFile("/proc/\(pid)/cmdline", limit: 4096).map { $0 == 0 ? 0x20 : $0 }
        while bytes.last == 0x20 { bytes.removeLast() }
        if bytes.isEmpty {
            return "[" + Quoted.bytes(readSmallFile("/proc/\(pid)/comm", limit: 64).filter { $0 != 0x0A }) + "]"
        }
        return Quoted.bytes(bytes, limit: 200)
    }

    /// The argument vector of a process, for checking a recorded PID is still ours.
    public static func arguments(of pid: Int32) -> [String] {
        readSmallFile("/proc/\(pid)/cmdline", limit: 4096)
            .split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    public static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// SIGTERM, a bounded wait, then SIGKILL for what is left.
    /// Returns the PIDs that were still alive at the end.
    @discardableResult
    public static func terminate(_ pids: [Int32], grace: Double = 5) -> [Int32] {
        for pid in pids { kill(pid, SIGTERM) }
        var left = pids
        // Checked every 10 ms: most processes are gone within a few.
        let steps = Int(grace * 100)
        for _ in 0..<steps where !left.isEmpty {
            usleep(10_000)
            left = left.filter { isAlive($0) && !isZombie($0) }
        }
        for pid in left { kill(pid, SIGKILL) }
        for _ in 0..<50 where !left.isEmpty {
            usleep(10_000)
            left = left.filter { isAlive($0) && !isZombie($0) }
        }
        return left
    }

    static func isZombie(_ pid: Int32) -> Bool {
        let stat = String(decoding: readSmallFile("/proc/\(pid)/stat", limit: 512), as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingPrefix(" ").hasPrefix("Z")
    }
}

import Glibc

/// A process netns-jail started, as its record files hold it (the
/// supervisor's and wireguard-go's): its PID and the time it
/// started, one line, `4242 start=123456`.
///
/// A PID alone names whatever process has it now: after a crash or a
/// reboot-less restart the number can belong to another program, even one
/// whose command line looks like ours (any user can start a process with
/// any argv). The start time (field 22 of /proc/PID/stat, in clock ticks
/// since boot) is set by the kernel when the process is created and kept
/// across execve, and no two processes with the same PID have the same
/// one; so a record is trusted only while the PID's start time is the
/// recorded one. Callers also check the command line, so a record is never
/// taken for another part's.
///
/// The PID comes first and the start time is not a bare number, so a
/// script's `kill $(cat NAME.pid)` still signals only the PID.
struct ProcessRecord: Sendable, Equatable {
    let pid: Int32
    let startTime: UInt64

    /// The record of a running process, read from the kernel; nil when it
    /// is gone.
    static func of(_ pid: Int32) -> ProcessRecord? {
        guard pid > 0, let start = startTime(of: pid) else { return nil }
        return ProcessRecord(pid: pid, startTime: start)
    }

    /// This process.
    static var current: ProcessRecord? { of(getpid()) }

    /// `4242 start=123456`.
    var line: String { "\(pid) start=\(startTime)" }

    /// A record line; nil for anything else, a bare PID (an older
    /// netns-jail's record, which proves nothing) included.
    static func parse<S: StringProtocol>(_ text: S) -> ProcessRecord? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2, let pid = Int32(fields[0]), pid > 1,
              fields[1].hasPrefix("start="), let start = UInt64(fields[1].dropFirst(6))
        else { return nil }
        return ProcessRecord(pid: pid, startTime: start)
    }

    /// True while the recorded process runs: its PID has the recorded
    /// start time and it is not a zombie. A reused PID has another start.
    var isRunning: Bool {
        ProcessRecord.startTime(of: pid) == startTime && !ProcessesInside.isZombie(pid)
    }

    /// The first line of the file at `path`, parsed.
    static func read(_ path: String) -> ProcessRecord? {
        let text = String(decoding: readSmallFile(path, limit: 64), as: UTF8.self)
        return text.split(separator: "\n").first.flatMap(parse)
    }

    /// Writes the record to `path` in root's directory (AtomicFile), so a
    /// reader sees the old record or the new one, never half of one.
    /// Returns errno, 0 on success.
    func write(to path: String) -> Int32 {
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(Array("\(line)\n".utf8), to: path)
            return 0
        } catch { return error.errno }
    }

    /// Field 22 of /proc/PID/stat. The command name (field 2) is in
    /// parentheses and may hold spaces and ')' itself, so fields are
    /// counted from the last ')'.
    static func startTime(of pid: Int32) -> UInt64? {
        let stat = readSmallFile("/proc/\(pid)/stat", limit: 1024)
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }
}

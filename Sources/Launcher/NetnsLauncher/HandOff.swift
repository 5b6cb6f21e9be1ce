import CLinux
import NetnsPolicy

/// Refuses a launch whose program is already running, as the caller,
/// outside this jail, when the jail shares the user's state.
///
/// A desktop program that finds a copy of itself running hands it the
/// link or torrent and exits; the copy fetches it from wherever it runs.
/// Per-jail state (JailState, CallerEnvironment) closes the channels it
/// finds the copy through (the profile's sockets, the session bus), so
/// there this check is not made at all. Under `state=shared` those
/// channels are open by the administrator's choice, and the one thing the
/// launcher can still do is notice the copy and say so: a jailed launch
/// that silently ends up as an unjailed download is the worst outcome.
///
/// "The same program" is the same executable file (device and inode of
/// /proc/PID/exe against the command's file, resolved through the PATH the
/// command gets, as execvpe will). A script (`#!`, Debian's /usr/bin/chromium) is never the
/// exe of the process it becomes, so for one the process name is compared
/// instead (/proc/PID/comm against the script's base name, cut to the
/// kernel's 15 bytes). "Outside" is any network namespace other than the
/// jail's: the host's, or another jail's. And the copy must hold a socket,
/// the only way work can reach it (holdsSocket): the user's shell running
/// in a terminal does not keep a jailed shell from starting.
///
/// This is advisory, and SECURITY.md says so. It runs after every
/// privilege is dropped, as the caller, so a caller racing it (starting the
/// copy a moment later, exec'ing, reusing a pid) can only mislead a check
/// of its own launch, and nothing it reads is trusted for anything else.
/// It sees what the caller may ptrace-read, in the jail's /proc
/// (hidepid=ptraceable) before the Landlock domain hides everything
/// outside: the caller's own dumpable processes. It runs before process
/// isolation for exactly that reason.
public enum HandOff {
    /// /proc entries looked at, at most; a machine with more processes is
    /// checked up to here (the check is advisory, the bound keeps it short).
    static let maximumEntries = 1 << 17
    /// Descriptors looked at in one process, at most.
    static let maximumDescriptors = 4096

    /// `path`: the PATH the command gets (CallerEnvironment), which
    /// execvpe searches too; the launcher reads no variable itself.
    public static func refuseCopyOutside(_ command: String, in namespace: NamespaceName, sharesState: Bool,
                                         path: String?) throws(Refusal) {
        guard sharesState else { return }
        guard let program = resolve(command, path: path) else { return }   // execvpe will say 127
        var own = stat()
        guard stat("/proc/self/ns/net", &own) == 0 else {
            throw .system(call: "stat", path: "/proc/self/ns/net", errno: cl_errno())
        }
        guard let copy = try findCopy(of: program, outside: own.st_ino) else { return }
        throw .denied("\(program.name) is already running outside jail \(namespace) (process \(copy)), and this jail shares your profile (state=shared): it would hand the work to that copy, which runs outside the VPN; quit it first, or ask an administrator for state=per-jail in netns-exec.conf(5)")
    }

    struct Program {
        let name: String
        let device: dev_t
        let inode: ino_t
        /// A `#!` script: compared by process name, as it never is an exe.
        let comm: [UInt8]?
    }

    /// The file execvpe will run: `command` itself when it has a slash,
    /// else the first executable regular file in `path` (glibc's default
    /// path when PATH is unset, as execvpe does).
    static func resolve(_ command: String, path: String?) -> Program? {
        let name = HandOffMatch.baseName(command)
        for candidate in HandOffMatch.candidates(for: command, path: path) {
            var st = stat()
            guard stat(candidate, &st) == 0, st.st_mode & cl_S_IFMT == cl_S_IFREG,
                  access(candidate, X_OK) == 0 else { continue }
            let script = isScript(candidate)
            return Program(name: name, device: st.st_dev, inode: st.st_ino,
                           comm: script ? HandOffMatch.comm(ofScript: name) : nil)
        }
        return nil
    }

    static func isScript(_ path: String) -> Bool {
        let fd = cl_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic: [UInt8] = [0, 0]
        let n = magic.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 2) }
        return n == 2 && HandOffMatch.isScript(start: magic)
    }

    /// The pid of a process running `program` in a network namespace other
    /// than `jail`, or nil. Processes that vanish or that we may not read
    /// are skipped.
    static func findCopy(of program: Program, outside jail: ino_t) throws(Refusal) -> Int32? {
        guard let proc = opendir("/proc") else { throw .system(call: "opendir", path: "/proc", errno: cl_errno()) }
        defer { closedir(proc) }
        let me = getpid()
        var seen = 0
        while seen < maximumEntries, let entry = readdir(proc) {
            seen += 1
            guard let pid = withUnsafeBytes(of: entry.pointee.d_name, { HandOffMatch.processID($0) }), pid != me else { continue }
            guard runs(program, pid: pid) else { continue }
            var net = stat()
            guard stat("/proc/\(pid)/ns/net", &net) == 0, net.st_ino != jail else { continue }
            if holdsSocket(pid) { return pid }
        }
        return nil
    }

    static func runs(_ program: Program, pid: Int32) -> Bool {
        if let comm = program.comm { return readComm(pid) == comm }
        var exe = stat()
        // stat follows the link to the running file; it fails (EACCES)
        // for any process we may not ptrace-read, other users' above all.
        guard stat("/proc/\(pid)/exe", &exe) == 0 else { return false }
        return exe.st_dev == program.device && exe.st_ino == program.inode
    }

    /// Whether the process has a socket open: a listening one (a profile's
    /// IPC socket, Chromium's SingletonSocket) or a connection (the session
    /// bus, over which Firefox and GTK programs take work). A copy without
    /// any, such as the user's shell in a terminal, cannot be handed
    /// anything, and is no reason to refuse a jailed shell. A process with
    /// more descriptors than we look at is taken to hold one.
    static func holdsSocket(_ pid: Int32) -> Bool {
        guard let fds = opendir("/proc/\(pid)/fd") else { return false }
        defer { closedir(fds) }
        let dir = dirfd(fds)
        var seen = 0
        var target = [CChar](repeating: 0, count: 64)
        while let entry = readdir(fds) {
            seen += 1
            if seen > maximumDescriptors { return true }
            let n = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                target.withUnsafeMutableBufferPointer { buffer in
                    readlinkat(dir, raw.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.baseAddress!, buffer.count)
                }
            }
            guard n > 0 else { continue }
            if HandOffMatch.isSocket(linkText: target.prefix(n).map { UInt8(bitPattern: $0) }) { return true }
        }
        return false
    }

    static func readComm(_ pid: Int32) -> [UInt8]? {
        let path = "/proc/\(pid)/comm"
        let fd = cl_open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Gone or unreadable since it was listed: not a copy.
        do throws(Refusal) {
            guard let bytes = try Descriptor.readAll(fd, limit: 64, expected: 32, path: path) else { return nil }
            return HandOffMatch.comm(read: bytes)
        } catch { return nil }
    }
}

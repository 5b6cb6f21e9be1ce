import Glibc
import NetnsHost

/// A program that root runs, or starts as another user (the port-forward
/// hook), opened once and checked on its descriptor, with every directory
/// from `/` down to it checked on the way; what then runs is that
/// descriptor (`/proc/self/fd/N`), never the path again.
///
/// Why: a check by path followed by an exec by path runs whatever the path
/// names at the second moment. A root-owned hook in a directory a user can
/// write was swapped for the user's own script between the two
/// (`renameat2(RENAME_EXCHANGE)` in a loop) and ran as another user. Here
/// each directory is opened beneath the one before with `O_NOFOLLOW` (a
/// symbolic link is read and its target walked the same way) and must be
/// owned by root and not writable by group or other, so nobody else can
/// rename anything in it;
/// the file is opened beneath the last one and checked on the same
/// descriptor that is executed. A world-writable directory with the sticky
/// bit (/var/tmp) passes: only the owner of an entry or of the directory
/// may rename or remove an entry there, and the entry the walk goes on to
/// must itself be root's.
///
/// Executing `/proc/self/fd/N` makes the kernel follow the descriptor's own
/// file, not a name, exactly as `fexecve` does. A `#!` script is re-opened
/// by its interpreter under that name, so for a script the descriptor must
/// stay open across the exec (no close-on-exec) and `/proc` must be
/// mounted; the interpreter named on the `#!` line is walked the same way,
/// since it is what really runs. The script then sees `/proc/self/fd/N` as
/// its `$0`.
public final class TrustedExecutable {
    /// The path it was configured with, for messages and for argv[0].
    public let path: String
    /// An `O_PATH` descriptor of the checked file, close-on-exec.
    public let descriptor: Int32

    /// The name under which the kernel executes exactly this file.
    public var procPath: String { "/proc/self/fd/\(descriptor)" }

    /// Linux's O_PATH (a reference that cannot read or write); the Glibc
    /// module leaves it out (it needs _GNU_SOURCE).
    static let O_PATH: Int32 = 0o10000000

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Walks to `path` and opens it; a refusal says which directory or file
    /// is wrong and how to fix it, in one sentence.
    public static func open(_ path: String) throws(JailError) -> TrustedExecutable {
        let fd = try walk(path)
        let executable = TrustedExecutable(path: path, descriptor: fd)
        if let interpreter = executable.interpreter() {
            do throws(JailError) { close(try walk(interpreter)) } catch {
                throw .config("\(path) is run by its interpreter, and \(error.message)")
            }
        }
        return executable
    }

    /// The same walk for a file root reads rather than runs (the files a
    /// provider's .ovpn names, OpenVPNMaterialFile): an `O_PATH` descriptor
    /// of a regular file, root's and not writable by group or other, in
    /// directories that are too. The caller reads it through
    /// `/proc/self/fd/N` and closes it.
    static func openData(_ path: String) throws(JailError) -> Int32 {
        try walk(path, program: false)
    }

    /// The descriptor of `path`, each directory above it and the file itself
    /// checked as described above. A symbolic link met on the way (/bin ->
    /// usr/bin, /etc/alternatives) is read, not opened, and its target
    /// walked the same way: a link in a directory only root can write was
    /// placed by root and cannot be changed by anyone else, and where it
    /// leads is checked like the rest.
    private static func walk(_ path: String, program: Bool = true) throws(JailError) -> Int32 {
        guard path.hasPrefix("/") else { throw .config("\(path) must be an absolute path") }
        // The directories walked so far, `/` first: ".." goes back one.
        var stack: [(fd: Int32, path: String)] = []
        defer { for entry in stack { close(entry.fd) } }
        func openRoot() throws(JailError) {
            for entry in stack { close(entry.fd) }
            stack = []
            let fd = Glibc.open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw .failure("open(/): \(String(cString: strerror(errno)))") }
            stack.append((fd, "/"))
            try check(fd, "/", isDirectory: true, program: program)
        }
        try openRoot()
        var pending = Array(components(path).reversed())
        var links = 0
        while let name = pending.popLast() {
            if name == "." { continue }
            if name == ".." {
                if stack.count > 1 { close(stack.removeLast().fd) }
                continue
            }
            let (directory, here) = stack[stack.count - 1]
            let full = here == "/" ? "/" + name : here + "/" + name
            var st = stat()
            guard fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { throw .config("\(full) does not exist; install it or fix the path") }
                throw .failure("stat(\(full)): \(String(cString: strerror(errno)))")
            }
            if st.st_mode & S_IFMT == S_IFLNK {
                links += 1
                guard links <= 40, let target = readLink(directory, name) else {
                    throw .config("\(full) is a symbolic link that cannot be followed; name the real path (realpath \(full))")
                }
                if target.hasPrefix("/") { try openRoot() }
                pending.append(contentsOf: components(target).reversed())
                continue
            }
            let isLast = pending.isEmpty
            let fd = openat(directory, name, O_PATH | O_NOFOLLOW | O_CLOEXEC | (isLast ? 0 : O_DIRECTORY))
            guard fd >= 0 else {
                if errno == ENOTDIR { throw .config("\(full) is not a directory; fix the path") }
                throw .failure("open(\(full)): \(String(cString: strerror(errno)))")
            }
            do throws(JailError) { try check(fd, isLast ? path : full, isDirectory: !isLast, program: program) } catch { close(fd); throw error }
            if isLast { return fd }
            stack.append((fd, full))
        }
        throw .config("\(path) names a directory; name the \(program ? "program" : "file") itself")
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func readLink(_ directory: Int32, _ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlinkat(directory, name, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Root's, not writable by group or other (a directory may be sticky
    /// instead); a file must be a regular, executable one.
    private static func check(_ fd: Int32, _ path: String, isDirectory: Bool, program: Bool) throws(JailError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .failure("fstat(\(path)): \(String(cString: strerror(errno)))") }
        let kind = st.st_mode & S_IFMT
        // The root-only rule (RootOnly); whoever else could change one of
        // these could replace what runs.
        if isDirectory {
            if let problem = RootOnly.problem(owner: st.st_uid, mode: st.st_mode, path: path, stickyDirectoryIsSafe: true) {
                throw .config("directory \(path) \(problem), or move the \(program ? "program" : "file") to a root-owned directory")
            }
        } else {
            guard kind == S_IFREG else { throw .config("\(path) is not a regular file; name the \(program ? "program" : "file") itself") }
            if let refusal = RootOnly.refusal(owner: st.st_uid, mode: st.st_mode, path: path) { throw .config(refusal) }
            if program, st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH) == 0 { throw .config("\(path) is not executable; run: chmod 0755 \(path)") }
        }
    }

    /// The interpreter of a `#!` script (the first word after `#!`), read
    /// through the descriptor; nil for a binary.
    private func interpreter() -> String? {
        // An O_PATH descriptor cannot be read; /proc/self/fd/N re-opens
        // this very file (the kernel follows the descriptor, not a name).
        let readable = Glibc.open(procPath, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard readable >= 0 else { return nil }
        defer { close(readable) }
        var head = [UInt8](repeating: 0, count: 256)
        let n = head.withUnsafeMutableBytes { pread(readable, $0.baseAddress!, $0.count, 0) }
        guard n > 2, head[0] == UInt8(ascii: "#"), head[1] == UInt8(ascii: "!") else { return nil }
        let line = head[2..<n].prefix { $0 != UInt8(ascii: "\n") }
        let word = line.drop { $0 == 0x20 || $0 == 0x09 }.prefix { $0 != 0x20 && $0 != 0x09 }
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }
}

import CLinux
import NetnsPolicy

/// Reads the allow-list, after checking that only root could have written
/// it: the file and its directory must be owned by root and not writable by
/// group or other, as sudo and doas insist. The path is fixed when the
/// binary is built; there is no option or variable that changes it.
public enum PolicyFile {
    #if NETNS_EXEC_TEST_BUILD
    // Test builds only (make test-build). Never in an installed binary.
    public static let directory = "/run/netns-exec-test"
    #else
    public static let directory = "/etc"
    #endif
    public static let name = "netns-exec.conf"
    public static var path: String { directory + "/" + name }

    /// Larger files are refused rather than read in part.
    static let maximumSize = 256 * 1024

    public static func load() throws(Refusal) -> Policy {
        let dir = cl_open(directory, cl_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else {
            if cl_errno() == ENOENT { throw missing }
            throw .system(call: "open", path: directory, errno: cl_errno())
        }
        defer { close(dir) }
        try requireRootOnly(dir, what: directory, isDirectory: true)

        let fd = cl_openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0)
        if fd < 0 {
            let code = cl_errno()
            switch code {
            case ENOENT:
                throw missing
            case ELOOP:
                throw .denied("\(path) is a symbolic link; it must be a regular file owned by root")
            case EACCES:
                // netns-exec reads as the caller: it holds no DAC override.
                throw .system(call: "open", path: path, errno: code,
                              hint: "the policy must be readable by its users; as root run: chmod 0644 \(path)")
            default:
                throw .system(call: "open", path: path, errno: code)
            }
        }
        defer { close(fd) }
        let size = try requireRootOnly(fd, what: path, isDirectory: false)
        guard size <= maximumSize else {
            throw .denied("\(path) is larger than \(maximumSize) bytes; it cannot be a policy file")
        }
        let text = try readAll(fd, expected: size)
        do throws(PolicyParseFailure) {
            return try Policy.parse(text)
        } catch {
            // Every problem is reported, then the launch stops once.
            for problem in error.errors.dropLast() {
                Console.error(problem.located(in: path))
            }
            throw .denied(error.errors.last!.located(in: path) + " (fix the file; see netns-exec.conf(5))")
        }
    }

    static var missing: Refusal {
        .denied("\(path) does not exist, so no one may enter a namespace: ask an administrator to create it (see netns-exec.conf(5))")
    }

    /// Fails unless `fd` is root-owned and not writable by group or other,
    /// and is a directory or a regular file as asked. Returns its size.
    @discardableResult
    static func requireRootOnly(_ fd: Int32, what: String, isDirectory: Bool) throws(Refusal) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system(call: "fstat", path: what, errno: cl_errno()) }
        let type = st.st_mode & cl_S_IFMT
        if isDirectory ? type != cl_S_IFDIR : type != cl_S_IFREG {
            throw .denied("\(what) is not a \(isDirectory ? "directory" : "regular file")")
        }
        guard st.st_uid == 0 else {
            throw .denied("\(what) is not owned by root; as root run: chown root:root \(what)")
        }
        guard st.st_mode & (cl_S_IWGRP | cl_S_IWOTH) == 0 else {
            throw .denied("\(what) is writable by group or other; as root run: chmod go-w \(what)")
        }
        return Int(st.st_size)
    }

    static func readAll(_ fd: Int32, expected: Int) throws(Refusal) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: expected + 1)
        var used = 0
        while used < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, $0.count - used) }
            if n == 0 { break }
            if n < 0 {
                if cl_errno() == EINTR { continue }
                throw .system(call: "read", path: path, errno: cl_errno())
            }
            used += n
        }
        // The file grew while we read it: someone is writing it right now.
        guard used <= expected else { throw .denied("\(path) changed while it was read; try again") }
        bytes.removeSubrange(used...)
        return bytes
    }
}

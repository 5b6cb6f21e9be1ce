import CLinux
import NetnsPolicy
import NetnsLimits

/// Reads the allow-list, after checking that only root could have written
/// it: the file and its directory must be owned by root and not writable by
/// group or other, as sudo and doas insist. The path is fixed when the
/// binary is built (HostPaths); there is no option or variable that
/// changes it.
public enum PolicyFile {
    public static let directory = HostPaths.policyDirectory
    public static let name = HostPaths.policyName
    public static var path: String { HostPaths.policyFile }

    /// Larger files are refused rather than read in part.
    static let maximumSize = Int(NX_POLICY_MAX_BYTES)

    public static func load() throws(Refusal) -> Policy {
        guard let dir = try RootOnlyDirectory(directory) else { throw missing }
        let fd: Int32
        switch try dir.open(name, shownAs: path,
                            unreadable: "the policy must be readable by its users; as root run: chmod 0644 \(path)") {
        case .opened(let file): fd = file
        case .missing: throw missing
        case .symbolicLink: throw .denied("\(path) is a symbolic link; it must be a regular file owned by root")
        }
        defer { close(fd) }
        let size = try RootOnlyDirectory.requireRootOnly(fd, what: path, isDirectory: false)
        guard size <= maximumSize else {
            throw .denied("\(path) is larger than \(maximumSize) bytes; it cannot be a policy file")
        }
        // The file grew while we read it: someone is writing it right now.
        guard let text = try Descriptor.readAll(fd, limit: size, expected: size, path: path) else {
            throw .denied("\(path) changed while it was read; try again")
        }
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
}

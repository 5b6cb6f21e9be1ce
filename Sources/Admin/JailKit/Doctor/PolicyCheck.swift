import Glibc
import NetnsHost
import NetnsPolicy

/// The launcher's allow-list as netns-exec will see it: it refuses every
/// launch when the file or its directory is not root-controlled or when any
/// line is malformed (SECURITY.md, step 3).
public enum PolicyCheck {
    /// The path compiled into every installed netns-exec.
    public static let installedPath = HostPaths.installedPolicyFile
    public static let subject = "policy"

    /// The line, and the parsed policy when netns-exec could use it.
    public static func run(path: String = installedPath) -> (SystemCheck, Policy?) {
        var st = stat()
        if lstat(path, &st) != 0 && errno == ENOENT {
            return (SystemCheck(.warn, subject, "\(path) does not exist, so netns-exec lets nobody in; write it (see netns-exec.conf(5))"), nil)
        }
        let directory = parentDirectory(of: path)
        if let problem = FileSafety.rootControlled(directory) {
            return (SystemCheck(.fail, subject, "\(directory) \(problem); netns-exec refuses every launch until then"), nil)
        }
        do throws(JailError) {
            let file = try ConfigFile.read(path)
            try file.requireRootControlled()
            let policy = try parse(file)
            let names = policy.entries.map(\.namespace.value)
            let count = names.count == 1 ? "1 namespace" : "\(names.count) namespaces"
            return (SystemCheck(.ok, subject, "\(path): \(count)\(names.isEmpty ? "" : " (\(names.joined(separator: ", ")))")"), policy)
        } catch {
            return (SystemCheck(.fail, subject, "\(error.message); netns-exec refuses every launch until it is fixed"), nil)
        }
    }

    static func parse(_ file: ConfigFile) throws(JailError) -> Policy {
        do {
            return try Policy.parse(file.bytes)
        } catch {
            let first = error.errors[0].located(in: file.path)
            let more = error.errors.count > 1 ? " (and \(error.errors.count - 1) more)" : ""
            throw .config(first + more)
        }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

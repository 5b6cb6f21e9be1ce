import FoundationEssentials
import Glibc
import NetnsHost

/// The installed netns-exec, judged by what the kernel needs to give it
/// cap_sys_admin at exec and what keeps anyone but root from changing it.
/// Each problem is its own line with the command that fixes it.
public enum LauncherCheck {
    public static let subject = "launcher"
    public static let capabilityCommand = "setcap cap_sys_admin+ep"
    /// statvfs f_flag bits (linux/statfs.h); stable kernel ABI.
    static let noSUID: UInt = 2
    static let noExec: UInt = 8

    /// `--launcher`, else the netns-exec installed beside this netns-jail
    /// (the two are installed together), else the first one on PATH or in
    /// the system directories.
    public static func locate(explicit: String?) -> String? {
        if let explicit { return explicit }
        let fileManager = FileManager.default
        if let beside = LauncherPath.besideThisProgram(), fileManager.isExecutableFile(atPath: beside) { return beside }
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        return (path.filter { $0.hasPrefix("/") } + ExternalTool.directories)
            .map { "\($0)/netns-exec" }
            .first { fileManager.isExecutableFile(atPath: $0) }
    }

    public static func run(path: String?, readCapability: FileCapability.AttributeReader) -> [SystemCheck] {
        guard let path else {
            return [SystemCheck(.fail, subject, "netns-exec not found beside netns-jail, on PATH or in \(ExternalTool.directories.joined(separator: ":")); install it (make install) or name it with --launcher PATH")]
        }
        guard let real = realpath(path, nil).map({ pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }) else {
            return [SystemCheck(.fail, subject, "\(path): \(String(cString: strerror(errno))); install netns-exec (make install) or name it with --launcher PATH")]
        }
        let shown = real == path ? path : "\(path) -> \(real)"
        return [SystemCheck(.ok, subject, shown),
                file(real), directories(real), capability(real, readCapability), filesystem(real), runNetns()]
    }

    /// Root-owned, not group/other-writable, and never setuid or setgid:
    /// netns-exec runs as its caller and gains only its file capability.
    static func file(_ path: String) -> SystemCheck {
        let subject = "launcher file"
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return SystemCheck(.fail, subject, "\(path) is not a regular file; install netns-exec (make install)")
        }
        if let problem = FileSafety.rootControlled(path) {
            return SystemCheck(.fail, subject, "\(path) \(problem)")
        }
        if st.st_mode & (S_ISUID | S_ISGID) != 0 {
            return SystemCheck(.fail, subject, "\(path) is setuid or setgid, which netns-exec must never be; run: chmod u-s,g-s \(path)")
        }
        let mode = String(st.st_mode & 0o7777, radix: 8)
        return SystemCheck(.ok, subject, "root-owned, mode \(String(repeating: "0", count: max(0, 4 - mode.count)) + mode)")
    }

    /// Whoever may rename an entry in one of the directories above may put
    /// another program at this path, and setcap'd programs are rare enough
    /// that the administrator would not notice.
    static func directories(_ path: String) -> SystemCheck {
        let subject = "launcher directories"
        let chain = FileSafety.ancestors(of: path)
        for directory in chain {
            if let problem = FileSafety.rootControlled(directory, stickyDirectoryIsSafe: true) {
                return SystemCheck(.fail, subject, "\(directory) \(problem), or install netns-exec in a root-owned directory")
            }
        }
        return SystemCheck(.ok, subject, "\(chain.joined(separator: " ")): root-owned, not writable by others")
    }

    static func capability(_ path: String, _ reader: FileCapability.AttributeReader) -> SystemCheck {
        let subject = "launcher capability"
        let fix = "run: \(capabilityCommand) \(path)"
        switch FileCapability.read(path, with: reader) {
        case .present(let capability) where capability.isLauncherCapability:
            return SystemCheck(.ok, subject, capability.text)
        case .present(let capability):
            return SystemCheck(.fail, subject, "\(capability.text), but netns-exec needs exactly cap_sys_admin=ep; \(fix)")
        case .none:
            return SystemCheck(.fail, subject, "none, so netns-exec cannot enter a jail; \(fix)")
        case .malformed:
            return SystemCheck(.fail, subject, "\(FileCapability.attribute) is not a capability the kernel accepts; \(fix)")
        case .unreadable(let code):
            return SystemCheck(.fail, subject, "cannot read \(FileCapability.attribute): \(String(cString: strerror(code))); \(fix)")
        }
    }

    /// The kernel ignores file capabilities on a nosuid mount (and runs
    /// nothing from a noexec one), silently: netns-exec would then start
    /// without cap_sys_admin and refuse every launch.
    static func filesystem(_ path: String) -> SystemCheck {
        let subject = "launcher filesystem"
        var info = statvfs()
        guard statvfs(path, &info) == 0 else {
            return SystemCheck(.fail, subject, "statvfs(\(path)): \(String(cString: strerror(errno)))")
        }
        let mount = MountPoint.containing(path) ?? "the filesystem holding \(path)"
        let flags = UInt(info.f_flag)
        if flags & noSUID != 0 {
            return SystemCheck(.fail, subject, "\(mount) is mounted nosuid, so the kernel ignores file capabilities there; run: mount -o remount,suid \(mount), or install netns-exec on another filesystem")
        }
        if flags & noExec != 0 {
            return SystemCheck(.fail, subject, "\(mount) is mounted noexec; run: mount -o remount,exec \(mount), or install netns-exec on another filesystem")
        }
        return SystemCheck(.ok, subject, "\(mount) honours file capabilities (not nosuid)")
    }

    /// The launcher opens jails from here and refuses when anyone but root
    /// could plant an entry (SECURITY.md, step 4).
    static func runNetns() -> SystemCheck {
        let directory = HostPaths.namespaces
        var st = stat()
        if lstat(directory, &st) != 0 && errno == ENOENT {
            return SystemCheck(.ok, directory, "does not exist yet; the first netns-jail up creates it")
        }
        if let problem = FileSafety.rootControlled(directory) {
            return SystemCheck(.fail, directory, "\(problem); netns-exec refuses every launch until then")
        }
        return SystemCheck(.ok, directory, "root-owned, not writable by others")
    }
}

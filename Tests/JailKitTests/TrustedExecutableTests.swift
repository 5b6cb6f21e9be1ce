import Glibc
import Testing
@testable import JailKit

/// The walk from / to a program root runs (TrustedExecutable), on real
/// directories made by root in /var/tmp (root-owned, so only root can run
/// these).
@Suite(.enabled(if: getuid() == 0, "needs root: the directories must be root's"))
struct TrustedExecutableTests {
    func refusal(_ path: String) -> String? {
        do { _ = try TrustedExecutable.open(path); return nil } catch { return error.message }
    }

    /// A root-owned 0755 scratch directory, removed by the caller.
    func scratch() -> String {
        var template = Array("/var/tmp/nxe-trusted.XXXXXX".utf8CString)
        let dir = String(cString: mkdtemp(&template)!)
        chmod(dir, 0o755)
        return dir
    }

    func write(_ path: String, _ text: String, mode: mode_t = 0o755) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        _ = Descriptor.writeAll(fd, Array(text.utf8))
        close(fd)
        chmod(path, mode)
    }

    @Test func systemProgramsThroughLinks() {
        // /bin/sh is a link chain on most systems (/bin -> usr/bin, sh -> dash).
        #expect(refusal("/bin/sh") == nil)
        #expect(refusal("/usr/bin/env") == nil)
    }

    @Test func unsafeDirectories() {
        let dir = scratch()
        defer { _ = system("rm -rf '\(dir)'") }
        mkdir("\(dir)/open", 0o755)
        write("\(dir)/open/hook", "#!/bin/sh\nexit 0\n")
        #expect(refusal("\(dir)/open/hook") == nil, "control: root's directories, root's file")
        chmod("\(dir)/open", 0o777)
        #expect(refusal("\(dir)/open/hook")?.hasPrefix("directory \(dir)/open is writable by group or other") == true)
        chmod("\(dir)/open", 0o1777)
        #expect(refusal("\(dir)/open/hook") == nil, "a sticky directory: nobody else may rename root's entry")
        chmod("\(dir)/open", 0o755)
        chown("\(dir)/open", 65534, 65534)
        #expect(refusal("\(dir)/open/hook")?.hasPrefix("directory \(dir)/open is not owned by root; as root run: chown root:root \(dir)/open") == true)
    }

    @Test func unsafeFileAndInterpreter() {
        let dir = scratch()
        defer { _ = system("rm -rf '\(dir)'") }
        write("\(dir)/hook", "#!/bin/sh\nexit 0\n", mode: 0o775)
        #expect(refusal("\(dir)/hook")?.hasPrefix("\(dir)/hook is writable by group or other") == true)
        write("\(dir)/hook", "#!/bin/sh\nexit 0\n", mode: 0o644)
        #expect(refusal("\(dir)/hook")?.hasPrefix("\(dir)/hook is not executable") == true)
        // The interpreter is what runs a script: its directory counts too.
        mkdir("\(dir)/user", 0o777)
        chmod("\(dir)/user", 0o777)
        write("\(dir)/user/interp", "#!/bin/sh\n")
        write("\(dir)/hook", "#!\(dir)/user/interp -x\nexit 0\n")
        #expect(refusal("\(dir)/hook")?.contains("is run by its interpreter, and directory \(dir)/user is writable") == true)
        #expect(refusal("\(dir)/missing")?.hasPrefix("\(dir)/missing does not exist") == true)
        #expect(refusal("relative/hook")?.hasSuffix("must be an absolute path") == true)
    }

    @Test func linksAreWalkedNotTrusted() {
        let dir = scratch()
        defer { _ = system("rm -rf '\(dir)'") }
        mkdir("\(dir)/real", 0o755)
        write("\(dir)/real/hook", "#!/bin/sh\nexit 0\n")
        symlink("real", "\(dir)/link")
        #expect(refusal("\(dir)/link/hook") == nil, "a link in root's directory to root's directory")
        chmod("\(dir)/real", 0o777)
        #expect(refusal("\(dir)/link/hook")?.hasPrefix("directory \(dir)/real is writable") == true,
                "where the link leads is checked like the rest")
    }
}

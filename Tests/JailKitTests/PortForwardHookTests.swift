import Glibc
import NetnsPolicy
import Testing
@testable import JailKit

/// How the supervisor starts the hook (through netns-exec as its user) and
/// `up`'s warning when the launcher's policy would not let that user in.
@Suite("The port-forward hook through netns-exec")
struct PortForwardHookTests {
    @Test("setpriv leaves no_new_privs and the bounding set to the launcher, and runs the descriptors")
    func arguments() {
        let args = PortForwardHook.arguments(uid: 1001, gid: 1002, jail: "vpn",
                                             command: ["/usr/libexec/hook", "--url", "x"], port: 4242)
        #expect(args == ["--reuid=1001", "--regid=1002", "--init-groups", "--inh-caps=-all", "--",
                         "/proc/self/fd/4", "vpn", "/proc/self/fd/3", "--url", "x", "4242"])
        // Either would keep the launcher's file capability from taking, and
        // the hook would run outside the jail's view: never.
        #expect(!args.contains { $0.hasPrefix("--no-new-privs") || $0.hasPrefix("--bounding-set") })
    }

    /// A policy file with `text`, removed by the caller.
    func policy(_ text: String) -> String {
        var template = Array("/tmp/nxe-policy.XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        let path = String(cString: template)
        _ = Descriptor.writeAll(fd, Array(text.utf8))
        close(fd)
        return path
    }

    @Test("the launcher's admission, by user and by group, as the policy says")
    func admission() throws {
        // nobody exists on every Linux system; its primary group is its own gid.
        let nobody = try #require(getpwnam("nobody"))
        let group = try #require(getgrgid(nobody.pointee.pw_gid))
        let groupName = String(cString: group.pointee.gr_name)
        let vpn = try #require(NamespaceName("vpn"))
        for (text, expected) in [("vpn nobody\n", true), ("vpn root\n", false), ("vpn @\(groupName)\n", true),
                                 ("other nobody\n", false)] {
            let path = policy(text)
            defer { unlink(path) }
            #expect(PortForwardHook.admitted("nobody", to: vpn, policyPath: path) == expected, "\(text)")
        }
        #expect(PortForwardHook.admitted("nobody", to: vpn, policyPath: "/nonexistent/netns-exec.conf"),
                "no policy to judge by: no warning (doctor reports it)")
    }
}

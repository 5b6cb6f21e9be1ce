import Glibc
import NetnsPolicy
import Testing
@testable import JailKit

@Suite struct DoctorIsolationTests {
    func policy(_ lines: [(String, Bool)]) -> Policy {
        Policy(entries: lines.enumerated().map { index, line in
            PolicyEntry(namespace: NamespaceName(line.0)!, members: [.user("alice")],
                        requiredInterface: nil, allowsHostPtrace: line.1, line: index + 1)
        })
    }

    @Test func landlockScopedFromABI6() {
        let lines = IsolationCheck.lines(landlock: .abi(6), yamaScope: nil, policy: nil)
        #expect(lines.map(\.description) == ["ok    isolation: landlock (ABI 6, scoped): jailed programs cannot trace or signal your processes outside the jail"])
    }

    @Test func landlockUnscopedSaysSignalsStillPass() {
        let lines = IsolationCheck.lines(landlock: .abi(4), yamaScope: 1, policy: nil)
        #expect(lines.count == 1)
        #expect(lines[0].verdict == .ok)
        #expect(lines[0].detail.hasPrefix("landlock (ABI 4): "))
        #expect(lines[0].detail.contains("can signal them"))
    }

    @Test func yamaIsAWarningWithTheLandlockRemedy() {
        let abi1 = IsolationCheck.lines(landlock: .abi(1), yamaScope: 2, policy: nil)
        #expect(abi1.map(\.verdict) == [.warn])
        #expect(abi1[0].detail.hasPrefix("yama (ptrace_scope 2): "))
        #expect(abi1[0].detail.contains("ABI 1 is not used"))
        let disabled = IsolationCheck.lines(landlock: .disabled, yamaScope: 1, policy: nil)
        #expect(disabled[0].detail.contains("add landlock to the lsm= kernel parameter"))
    }

    @Test func neitherIsAFailThatSaysWhatToDo() {
        let lines = IsolationCheck.lines(landlock: .notBuilt, yamaScope: 0, policy: policy([("vpn", false)]))
        #expect(lines.count == 1)
        #expect(lines[0].verdict == .fail)
        #expect(lines[0].detail.hasPrefix("refused: "))
        #expect(lines[0].detail.contains("sysctl kernel.yama.ptrace_scope=1"))
    }

    @Test func optOutGetsItsOwnLineOnlyWhenItChangesTheVerdict() {
        let mixed = policy([("vpn", false), ("games", true)])
        let refused = IsolationCheck.lines(landlock: .disabled, yamaScope: nil, policy: mixed)
        #expect(refused.map(\.verdict) == [.fail, .warn])
        #expect(refused[1].subject == "isolation games")
        #expect(refused[1].detail.hasPrefix("none (host-ptrace=allow): "))
        #expect(refused[1].detail.contains("(line 2)"))

        let everyone = IsolationCheck.lines(landlock: .disabled, yamaScope: nil, policy: policy([("a", true), ("b", true)]))
        #expect(everyone.map(\.verdict) == [.warn, .warn, .warn], "every namespace launches, so nothing fails")

        let guarded = IsolationCheck.lines(landlock: .abi(6), yamaScope: nil, policy: mixed)
        #expect(guarded.count == 1, "Landlock is used whatever the opt-out says")
    }

    @Test func anUnexpectedLandlockErrorIsARefusal() {
        let lines = IsolationCheck.lines(landlock: .error(EINVAL), yamaScope: 1, policy: nil)
        #expect(lines.map(\.verdict) == [.fail])
    }

    @Test func landlockProbeResults() {
        #expect(LandlockSupport(probeResult: 6, errno: 0) == .abi(6))
        #expect(LandlockSupport(probeResult: 6, errno: ENOSYS) == .abi(6), "a stale errno beside a result")
        #expect(LandlockSupport(probeResult: -1, errno: ENOSYS) == .notBuilt)
        #expect(LandlockSupport(probeResult: -1, errno: EOPNOTSUPP) == .disabled)
        #expect(LandlockSupport(probeResult: -1, errno: EPERM) == .error(EPERM))
        #expect(LandlockSupport.disabled.abi == nil)
    }
}

@Suite struct DoctorLauncherTests {
    /// vfs_cap_data as setcap writes it, little-endian.
    func attribute(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    @Test func sysAdminEffectiveIsTheLauncherCapability() {
        let capability = FileCapability(attribute: attribute([0x0200_0001, 1 << 21, 0, 0, 0]))
        #expect(capability == FileCapability(permitted: 1 << 21, inheritable: 0, effective: true))
        #expect(capability?.isLauncherCapability == true)
        #expect(capability?.text == "cap_sys_admin=ep")
    }

    @Test func anythingElseIsNot() {
        let notEffective = FileCapability(attribute: attribute([0x0200_0000, 1 << 21, 0, 0, 0]))!
        #expect(!notEffective.isLauncherCapability)
        #expect(notEffective.text == "cap_sys_admin=p")
        let more = FileCapability(attribute: attribute([0x0200_0001, 1 << 21 | 1 << 12, 0, 1 << 7, 0]))!
        #expect(!more.isLauncherCapability)
        #expect(more.text == "cap_net_admin,cap_sys_admin,cap_bpf=ep")
        let namespaced = FileCapability(attribute: attribute([0x0300_0001, 1 << 21, 0, 0, 0, 100000]))!
        #expect(!namespaced.isLauncherCapability, "a rootid other than 0 applies only in a user namespace")
        #expect(namespaced.text == "cap_sys_admin=ep [rootid=100000]")
        #expect(FileCapability(attribute: attribute([0x0300_0001, 1 << 21, 0, 0, 0, 0]))!.isLauncherCapability)
    }

    @Test func malformedAttributesAreRejected() {
        #expect(FileCapability(attribute: []) == nil)
        #expect(FileCapability(attribute: attribute([0x0200_0001, 1 << 21])) == nil, "revision 2 is 20 bytes")
        #expect(FileCapability(attribute: attribute([0x0400_0001, 1 << 21, 0, 0, 0])) == nil)
    }

    @Test func readerResults() {
        #expect(FileCapability.read("/x") { _, _ in -Int(ENODATA) } == .none)
        #expect(FileCapability.read("/x") { _, _ in -Int(EACCES) } == .unreadable(EACCES))
        let bytes = attribute([0x0200_0001, 1 << 21, 0, 0, 0])
        let read = FileCapability.read("/x") { _, buffer in
            buffer.replaceSubrange(0..<bytes.count, with: bytes)
            return bytes.count
        }
        #expect(read == .present(FileCapability(permitted: 1 << 21, inheritable: 0, effective: true)))
    }

    @Test func mountPointIsTheLongestContainingOne() {
        let mountinfo = """
            22 1 252:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            30 22 0:26 / /usr rw,nosuid shared:2 - ext4 /dev/vdb rw
            31 22 0:27 / /usr/local\\040bin rw shared:3 - tmpfs tmpfs rw
            32 22 0:28 / /usr/lib rw shared:4 - tmpfs tmpfs rw
            """
        #expect(MountPoint.containing("/usr/bin/netns-exec", mountinfo: mountinfo) == "/usr")
        #expect(MountPoint.containing("/usr/local bin/netns-exec", mountinfo: mountinfo) == "/usr/local bin")
        #expect(MountPoint.containing("/usrx/netns-exec", mountinfo: mountinfo) == "/")
        #expect(MountPoint.containing("/usr/lib", mountinfo: mountinfo) == "/usr/lib")
    }

    @Test func ancestorsRunUpToTheRoot() {
        #expect(FileSafety.ancestors(of: "/usr/local/bin/netns-exec") == ["/usr/local/bin", "/usr/local", "/usr", "/"])
        #expect(FileSafety.ancestors(of: "/netns-exec") == ["/"])
        #expect(PolicyCheck.parentDirectory(of: "/etc/netns-exec.conf") == "/etc")
        #expect(PolicyCheck.parentDirectory(of: "/netns-exec.conf") == "/")
    }

    @Test func linesHaveOneShape() {
        #expect(SystemCheck(.ok, "wg", "/usr/bin/wg").description == "ok    wg: /usr/bin/wg")
        #expect(SystemCheck(.fail, "x", "y").description == "fail  x: y")
        #expect(SystemCheck(.info, "kernel", "Linux").description == "info  kernel: Linux")
        #expect(SystemCheck(.warn, "a b", "c").description == "warn  a b: c")
    }
}

import Testing
@testable import NetnsHost

@Suite("The host contract")
struct HostContractTests {
    @Test("well-known paths, as the man pages and SECURITY.md name them")
    func paths() {
        #expect(HostPaths.installedPolicyFile == "/etc/netns-exec.conf")
        // SwiftPM never builds the launcher's test variant.
        #expect(HostPaths.policyFile == HostPaths.installedPolicyFile)
        #expect(HostPaths.namespaceFile("vpn") == "/run/netns/vpn")
        #expect(HostPaths.etcDirectory("vpn") == "/etc/netns/vpn")
        #expect(HostPaths.jailState == "/run/netns-jail")
        #expect(HostPaths.coveredState.map(\.path) == [".config", ".local/share", ".local/state", ".cache", ".mozilla"])
        #expect(Set(HostPaths.coveredState.map(\.store)).count == HostPaths.coveredState.count)
    }

    @Test("root-only: owner root, no group or other write; one wording")
    func rootOnly() {
        #expect(RootOnly.problem(owner: 0, mode: 0o040755, path: "/etc") == nil)
        #expect(RootOnly.problem(owner: 0, mode: 0o101644, path: "/f") == nil)
        #expect(RootOnly.problem(owner: 0, mode: 0o041755, path: "/d") == nil)   // sticky alone is fine
        #expect(RootOnly.refusal(owner: 1000, mode: 0o100644, path: "/etc/netns/vpn/resolv.conf")
                == "/etc/netns/vpn/resolv.conf is not owned by root; as root run: chown root:root /etc/netns/vpn/resolv.conf")
        #expect(RootOnly.refusal(owner: 0, mode: 0o100664, path: "/f")
                == "/f is writable by group or other; as root run: chmod go-w /f")
        #expect(RootOnly.refusal(owner: 0, mode: 0o040757, path: "/d")
                == "/d is writable by group or other; as root run: chmod go-w /d")
        // Ownership is said first: chmod would not make a user's file root's.
        #expect(RootOnly.problem(owner: 5, mode: 0o100666, path: "/f")?.hasPrefix("is not owned by root") == true)
        #expect(RootOnly.violations(owner: 5, mode: 0o100666) == [.notOwnedByRoot, .writableByGroupOrOther])
    }

    @Test("a sticky world-writable directory passes only where asked, and only a directory")
    func sticky() {
        #expect(RootOnly.violations(owner: 0, mode: 0o041777) == [.writableByGroupOrOther])
        #expect(RootOnly.violations(owner: 0, mode: 0o041777, stickyDirectoryIsSafe: true).isEmpty)
        #expect(RootOnly.violations(owner: 0, mode: 0o040777, stickyDirectoryIsSafe: true) == [.writableByGroupOrOther])
        #expect(RootOnly.violations(owner: 0, mode: 0o101666, stickyDirectoryIsSafe: true) == [.writableByGroupOrOther])
    }
}

import Testing
@testable import NetnsHost
import NetnsPolicy

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
    }

    @Test("the jail session's layout: the home and the runtime directory of the jail's own")
    func jailSession() {
        #expect(HostPaths.jailStore("vpn") == ".netns-exec/vpn")
        #expect(HostPaths.jailHome("vpn") == ".netns-exec/vpn/home")
        #expect(HostPaths.jailRuntime("vpn") == "netns-exec/vpn")
        // The list the user writes is beside the jail's home, never in it.
        #expect(HostPaths.sharedListName != HostPaths.jailHomeName)
        // The launcher's stores before the jail had a home, moved into it.
        #expect(HostPaths.earlierStores.map(\.inHome) == [".config", ".local/share", ".local/state", ".cache", ".mozilla"])
        #expect(Set(HostPaths.earlierStores.map(\.store)).count == HostPaths.earlierStores.count)
        // The store SharedFolder's rule keeps out of the jail is this one.
        #expect(SharedFolder.store == HostPaths.stateStore)
        #expect(SharedFolder.normalized(HostPaths.jailHome("vpn")) == nil)
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

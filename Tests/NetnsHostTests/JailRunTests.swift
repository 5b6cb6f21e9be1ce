import Testing
@testable import NetnsHost

private func bytes(_ s: [String]) -> [[UInt8]] { s.map { Array($0.utf8) } }

@Suite("The jail's /run")
struct JailRunTests {
    @Test("hides the resolvers that answer over a Unix socket")
    func hiddenList() {
        #expect(Set(JailRun.hidden) == ["nscd", "systemd/resolve", "avahi-daemon"])
        #expect(JailRun.roots == ["/run", "/var/run"])
    }

    @Test("per-jail state filters /run/user/UID; shared state does not")
    func top() {
        #expect(JailRun.Rules.top(runtimeDirectoryOf: 1000)
                == JailRun.Rules(hidden: bytes(JailRun.hidden), filtered: bytes(["user/1000"])))
        #expect(JailRun.Rules.top(runtimeDirectoryOf: nil).filtered.isEmpty)
    }

    @Test("rules one level down keep only the paths below that entry")
    func below() {
        let top = JailRun.Rules.top(runtimeDirectoryOf: 1000)
        #expect(top.below(Array("systemd".utf8)) == JailRun.Rules(hidden: bytes(["resolve"]), filtered: []))
        #expect(top.below(Array("user".utf8)) == JailRun.Rules(hidden: [], filtered: bytes(["1000"])))
        #expect(top.below(Array("nscd".utf8)).isEmpty)
        // A name that only starts like a hidden one is not on the way to it.
        #expect(top.below(Array("systemd-x".utf8)).isEmpty)
        #expect(top.below(Array("use".utf8)).isEmpty)
    }
}

@Suite("The runtime directory's allow-list")
struct RuntimeDirectoryTests {
    @Test("shows the display, sound and cookie entries",
          arguments: ["wayland-0", "wayland-1.lock", "pipewire-0", "dconf", "gdm",
                      ".mutter-Xwaylandauth.ABC123", "xauth_XyZ"])
    func shown(_ name: String) {
        #expect(RuntimeDirectory.shows(Array(name.utf8)))
    }

    @Test("everything else is absent: daemons that act outside the jail",
          arguments: ["bus", "systemd", "gnupg", "gvfs", "pulse", "pipewire-0-manager", "pipewire-00",
                      "dconfx", "gdmx", "wayland", "xauth", ".mutter-Xwaylandauth", "keyring", "at-spi", ""])
    func hidden(_ name: String) {
        #expect(!RuntimeDirectory.shows(Array(name.utf8)))
    }
}

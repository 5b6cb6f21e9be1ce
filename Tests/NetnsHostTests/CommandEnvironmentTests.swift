import Testing
@testable import NetnsHost

/// The caller's environment block as /proc/self/environ gives it.
private func block(_ entries: [String]) -> [UInt8] {
    entries.flatMap { Array($0.utf8) + [0] }
}

private func strings(_ environment: borrowing CommandEnvironment) -> [String] {
    environment.entries.map { String(decoding: $0, as: UTF8.self) }
}

@Suite("The command's environment")
struct CommandEnvironmentTests {
    @Test("shared state: the caller's own, byte for byte, then NETNS_EXEC")
    func sharedKeepsEverything() {
        let caller = ["PATH=/usr/bin:/bin", "LD_PRELOAD=/x.so", "XDG_CONFIG_HOME=/h/c",
                      "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus", "EMPTY="]
        let env = CommandEnvironment(caller: block(caller), namespace: "vpn", sharesState: true)
        #expect(strings(env) == caller + ["NETNS_EXEC=vpn"])
    }

    @Test("per-jail state: XDG homes, the bus address and the runtime directory replaced by the jail's")
    func perJailSession() {
        let caller = ["HOME=/home/a", "XDG_CONFIG_HOME=/h/c", "XDG_DATA_HOME=/h/d", "XDG_STATE_HOME=/h/s",
                      "XDG_CACHE_HOME=/h/k", "DBUS_SESSION_BUS_ADDRESS=unix:path=/bus", "XDG_RUNTIME_DIR=/tmp/elsewhere"]
        let env = CommandEnvironment(caller: block(caller), namespace: "vpn", sharesState: false,
                                     runtimeDirectory: "/run/user/1000")
        #expect(strings(env) == ["HOME=/home/a", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
                                 "XDG_RUNTIME_DIR=/run/user/1000", "NETNS_EXEC=vpn"])
    }

    @Test("per-jail state without a runtime directory: no bus, and no runtime directory named")
    func perJailWithoutRuntime() {
        let caller = ["HOME=/home/a", "DBUS_SESSION_BUS_ADDRESS=unix:path=/bus", "XDG_RUNTIME_DIR=/run/user/1"]
        let env = CommandEnvironment(caller: block(caller), namespace: "vpn", sharesState: false)
        #expect(strings(env) == ["HOME=/home/a", "DBUS_SESSION_BUS_ADDRESS=disabled:", "NETNS_EXEC=vpn"])
    }

    @Test("a NETNS_EXEC the caller set is dropped, so the variable names the real jail")
    func callerMarkerDropped() {
        let env = CommandEnvironment(caller: block(["NETNS_EXEC=other", "A=1", "NETNS_EXEC="]),
                                     namespace: "vpn", sharesState: true)
        #expect(strings(env) == ["A=1", "NETNS_EXEC=vpn"])
        #expect(env.value(of: "NETNS_EXEC") == "vpn")
    }

    @Test("names are matched whole: a longer name with the same start is kept")
    func prefixesAreWholeNames() {
        let caller = ["NETNS_EXECUTOR=1", "XDG_CONFIG_HOMES=2", "XDG_CONFIG_DIRS=/etc/xdg"]
        let env = CommandEnvironment(caller: block(caller), namespace: "j", sharesState: false)
        #expect(Array(strings(env).prefix(3)) == caller)
    }

    @Test("empty entries and a missing final NUL are tolerated; bytes are not decoded")
    func oddBlocks() {
        var bytes = block(["A=1"]) + [0, 0] + Array("B=\u{FF}".utf8) + [0xFF, 0]
        bytes += Array("C=3".utf8)     // no NUL at the end
        let env = CommandEnvironment(caller: bytes, namespace: "j", sharesState: true)
        #expect(env.entries.count == 4)     // A, B, C, NETNS_EXEC
        #expect(env.entries[1] == Array("B=\u{FF}".utf8) + [0xFF])
        #expect(env.value(of: "C") == "3")
    }

    @Test("value(of:) finds what the command gets, nil for what it does not")
    func lookup() {
        let env = CommandEnvironment(caller: block(["PATH=/opt/bin", "XDG_DATA_HOME=/d"]),
                                     namespace: "j", sharesState: false)
        #expect(env.value(of: "PATH") == "/opt/bin")
        #expect(env.value(of: "XDG_DATA_HOME") == nil)
        #expect(env.value(of: "PAT") == nil)
    }

    @Test("envp: every entry NUL-terminated, then a NULL pointer")
    func envp() {
        var env = CommandEnvironment(caller: block(["A=1", "B=2"]), namespace: "j", sharesState: true)
        let seen: [String] = env.withEnvp { envp in
            var out: [String] = []
            var i = 0
            while let entry = envp[i] { out.append(String(cString: entry)); i += 1 }
            return out
        }
        #expect(seen == ["A=1", "B=2", "NETNS_EXEC=j"])
    }
}

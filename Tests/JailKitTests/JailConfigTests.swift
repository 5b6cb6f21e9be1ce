import Testing
@testable import JailKit

@Suite struct JailConfigTests {
    func errors(_ text: String) -> [String] {
        do { _ = try JailConfig.parse(text: text, file: "/etc/netns-jail.conf"); return [] }
        catch { return error.diagnostics.map(\.description) }
    }

    @Test func parsesSectionsWithDefaultInterface() throws {
        let config = try JailConfig.parse(text: """
            # jails
            [vpn_jail]
            wireguard = /etc/wireguard/proton0.conf
            interface = proton0        # optional

            [Second.jail-2]
            WireGuard = /etc/wireguard/mullvad-se.conf
            """, file: "/etc/netns-jail.conf")
        #expect(config.jails.map(\.name.value) == ["vpn_jail", "Second.jail-2"])
        #expect(config.jails.map(\.interface.value) == ["proton0", "mullvad-se"])
        #expect(config.jails[1].wireguard == "/etc/wireguard/mullvad-se.conf")
        #expect(config.jails[1].line == 6)
        #expect(config.jail(named: "vpn_jail")?.interface.value == "proton0")
    }

    @Test func errorsNameFileAndLine() {
        let found = errors("""
            [vpn_jail]
            wireguard = relative/path.conf
            [.hidden]
            wireguard = /etc/wireguard/a.conf
            [ok]
            colour = blue
            [noconf]
            [vpn_jail]
            wireguard = /etc/wireguard/b.conf
            stray
            """)
        #expect(found.contains("/etc/netns-jail.conf:2: wireguard must be an absolute path such as /etc/wireguard/proton0.conf"))
        #expect(found.contains { $0.hasPrefix("/etc/netns-jail.conf:3: [.hidden] is not a valid jail name") })
        #expect(found.contains { $0.hasPrefix("/etc/netns-jail.conf:6: unknown key colour") })
        #expect(found.contains { $0.hasPrefix("/etc/netns-jail.conf:5: [ok] has no 'wireguard") })
        #expect(found.contains { $0.hasPrefix("/etc/netns-jail.conf:7: [noconf] has no 'wireguard") })
        #expect(found.contains("/etc/netns-jail.conf:8: jail [vpn_jail] is already defined on line 1"))
        #expect(found.contains { $0.hasPrefix("/etc/netns-jail.conf:10: expected 'Key = value'") })
    }

    @Test func interfaceNamesAreChecked() {
        #expect(errors("[j]\nwireguard = /etc/wireguard/a-name-far-too-long.conf").contains {
            $0.hasPrefix("/etc/netns-jail.conf:1: the default interface name 'a-name-far-too-long'")
        })
        #expect(errors("[j]\nwireguard = /etc/wireguard/a.conf\ninterface = eth0/x").contains { $0.hasPrefix("/etc/netns-jail.conf:3: interface 'eth0/x'") })
        #expect(errors("[a]\nwireguard = /w/x.conf\n[b]\nwireguard = /w2/x.conf").contains { $0.contains(":3: interface x is already used by [a]") })
        #expect(errors("[j]\ninterface = a\ninterface = b\nwireguard = /w/a.conf").contains { $0.contains(":3: interface appears twice") })
    }

    @Test func hostileInput() {
        #expect(errors("[j\u{0}]\nwireguard = /w/a.conf").contains { $0.contains(":1: line contains a NUL byte") })
        #expect(errors("[jäil]\nwireguard = /w/a.conf").contains { $0.contains(":1: unexpected byte") })
        #expect(errors("[" + String(repeating: "j", count: 65) + "]\nwireguard = /w/a.conf").contains { $0.contains("not a valid jail name") })
        #expect(errors(String(repeating: "x", count: 5000)).contains { $0.contains(":1: line is longer than 4096 bytes") })
        #expect(errors("wireguard = /w/a.conf").contains { $0.contains(":1: wireguard is outside any section") })
        #expect(errors("[a b]\nwireguard = /w/a.conf").contains { $0.contains("section header") })
        #expect(errors(String(repeating: "junk\n", count: 1000)).count <= 51)
    }

    @Test func emptyFileHasNoJails() throws {
        #expect(try JailConfig.parse(text: "# nothing yet\n", file: "f").jails.isEmpty)
    }
}

import Testing
@testable import JailKit
import NetnsPolicy

@Suite struct RelayStateTests {
    let jail = NamespaceName("vpn")!

    func relays(_ lines: String...) throws -> [RelaySpec] {
        try lines.map { try RelaySpec.parse(.publish, $0, jail: jail) }
    }

    @Test func servedAndUnservedLines() throws {
        let state = RelayState.parse(text: """
            pid 42
            serves 5 publish 127.0.0.1:8080 -> jail 127.0.0.1:8080
            unserved publish 127.0.0.1:9090 -> jail 127.0.0.1:8080\tbind(127.0.0.1:9090): Address already in use

            """)
        #expect(state.pid == 42)
        #expect(state.served == [RelayState.Served(relay: "publish 127.0.0.1:8080 -> jail 127.0.0.1:8080", fd: 5)])
        #expect(state.unserved == [RelayState.Unserved(relay: "publish 127.0.0.1:9090 -> jail 127.0.0.1:8080",
                                                       reason: "bind(127.0.0.1:9090): Address already in use")])
        let both = try relays("127.0.0.1:8080", "127.0.0.1:9090:8080")
        #expect(state.accounts(for: both))
        #expect(!state.serves(both))
        #expect(state.problems(for: both, supervisor: 7) == [
            "publish 127.0.0.1:9090 -> jail 127.0.0.1:8080 is not served: bind(127.0.0.1:9090): Address already in use; fix that line in netns-jail.conf (or stop what holds its port) and run netns-jail up",
        ])
        // An edit not applied yet: the record is about other lines.
        let edited = try relays("127.0.0.1:8080")
        #expect(!state.accounts(for: edited))
        #expect(state.problems(for: edited, supervisor: 7) == ["its relay serves an older configuration; run netns-jail up to apply the edit"])
    }

    @Test func wholeFailureAndOldRecords() throws {
        let failed = RelayState.parse(text: "pid 42\nfailed setns(the jail's namespace): Invalid argument\n")
        let one = try relays("127.0.0.1:8080")
        #expect(!failed.accounts(for: one))
        #expect(failed.problems(for: one, supervisor: 7).first?.hasPrefix("its relay failed: setns") == true)
        // A record from before descriptors were recorded: served, nothing to take over.
        let old = RelayState.parse(text: "pid 42\npublish 127.0.0.1:8080 -> jail 127.0.0.1:8080\n")
        #expect(old.served == [RelayState.Served(relay: "publish 127.0.0.1:8080 -> jail 127.0.0.1:8080", fd: nil)])
        #expect(old.serves(one))
    }

    @Test func listenerPart() {
        #expect(RelaySpec.listenerPart(of: "publish 127.0.0.1:18080 -> jail 127.0.0.1:8080") == "publish 127.0.0.1:18080")
        #expect(RelaySpec.listenerPart(of: "host-service jail 127.0.0.1:631 -> host 127.0.0.1:631") == "host-service jail 127.0.0.1:631")
    }
}

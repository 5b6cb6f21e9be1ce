import Testing
@testable import NetnsPolicy

private func parse(_ text: String) throws(PolicyParseFailure) -> Policy {
    try Policy.parse(Array(text.utf8))
}

private func errors(_ text: String) -> [PolicyError] {
    do { _ = try parse(text); return [] } catch { return error.errors }
}

@Suite("netns-exec.conf grammar")
struct PolicyParserTests {
    @Test func fullExample() throws {
        let policy = try parse("""
            # who may enter which jail
            vpn_jail   alice @vpnusers require=proton0   # the torrent box

            \tother\tbob\r
            """)
        #expect(policy.entries.count == 2)
        let jail = try #require(policy.entry(for: NamespaceName("vpn_jail")!))
        #expect(jail.members == [.user("alice"), .group("vpnusers")])
        #expect(jail.requiredInterface == InterfaceName("proton0"))
        #expect(jail.line == 2)
        let other = try #require(policy.entry(for: NamespaceName("other")!))
        #expect(other.members == [.user("bob")])
        #expect(other.requiredInterface == nil)
        #expect(policy.entry(for: NamespaceName("missing")!) == nil)
    }

    @Test func emptyAndCommentOnlyFilesDenyEverything() throws {
        #expect(try parse("").entries.isEmpty)
        #expect(try parse("# nothing\n   \n#x y z\n").entries.isEmpty)
    }

    @Test func optionsMayComeAnywhereAfterTheName() throws {
        let p = try parse("ns require=wg0 alice")
        #expect(p.entries.first?.requiredInterface == InterfaceName("wg0"))
        #expect(p.entries.first?.members == [.user("alice")])
    }

    @Test func shareListsFoldersInsideTheHome() throws {
        let policy = try parse("jail alice share=Games,Projects/shared share=Games,.thunderbird\n")
        let jail = try #require(policy.entry(for: NamespaceName("jail")!))
        #expect(jail.sharedFolders == ["Games", "Projects/shared", ".thunderbird"])
        #expect(try #require(try parse("jail alice\n").entries.first).sharedFolders.isEmpty)
    }

    @Test("share= refuses what is not a folder inside the home", arguments: [
        "share=/etc", "share=..", "share=a/../b", "share=.netns-exec", "share=.netns-exec/x", "share=", "share=./x",
    ])
    func shareRefuses(_ option: String) {
        let e = errors("jail alice \(option)\n")
        #expect(e.count == 1)
        #expect(e.first?.message.hasPrefix("share= takes folders inside the home") == true)
    }

    @Test func duplicateMembersCollapse() throws {
        #expect(try parse("ns alice alice @g @g").entries.first?.members == [.user("alice"), .group("g")])
    }

    @Test func aNamespaceMayAppearOnce() {
        let e = errors("ns alice\nns bob\n")
        #expect(e == [PolicyError(line: 2, message: "namespace ns is already listed on line 1")])
    }

    @Test func everyErrorIsCollectedWithItsLine() {
        let e = errors("""
            ns alice
            ../x alice
            ok
            ns2 bob colour=red
            ns3 bob require=a/b
            ns4 bob require=wg0 require=wg1
            ns5 -rf
            """)
        #expect(e.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(e[0].message.hasPrefix("invalid namespace name '../x'"))
        #expect(e[1].message == "namespace ok lists no user or @group; add one or remove the line")
        #expect(e[2].message.hasPrefix("unknown option 'colour'"))
        #expect(e[3].message == "invalid interface name 'a/b' in require=")
        #expect(e[4].message == "require= is given twice")
        #expect(e[5].message == "invalid user or @group '-rf'")
    }

    @Test("hostile lines are refused, never half-read", arguments: [
        "ns ali\u{0}ce", "ns alice\u{1b}[2J", "ns \u{00e9}", "n\u{7f}s alice", "ns alice\u{0b}",
        "ns =alice", "ns require=", "ns @", "ns alice =",
    ])
    func hostile(_ line: String) {
        let e = errors(line)
        #expect(e.count == 1, "\(Quoted.text(line))")
        #expect(e.first?.line == 1)
    }

    @Test func onlyKeyEqualsValueIsAnOption() throws {
        // A bare `require` is an account name like any other.
        #expect(try parse("ns require").entries.first?.members == [.user("require")])
    }

    @Test func hashInsideATokenStartsAComment() throws {
        let p = try parse("ns alice#bob")
        #expect(p.entries.first?.members == [.user("alice")])
    }

    @Test func overlongLinesAreErrors() {
        let long = "ns " + String(repeating: "a ", count: 3000)
        #expect(errors(long).first?.message.hasPrefix("line is longer than") == true)
    }

    @Test func nonUTF8BytesAreReportedAsBytes() {
        var bytes = Array("ns alice ".utf8)
        bytes.append(0xFF)
        do { _ = try Policy.parse(bytes); Issue.record("parsed") } catch {
            #expect(error.errors.first?.message.contains("\\xff") == true)
        }
    }

    @Test func locatedMessagesNameFileAndLine() {
        let e = PolicyError(line: 7, message: "bad")
        #expect(e.located(in: "/etc/netns-exec.conf") == "/etc/netns-exec.conf:7: bad")
    }
}

@Suite("who may enter")
struct AdmissionTests {
    let entry = PolicyEntry(namespace: NamespaceName("ns")!, members: [.user("alice"), .group("vpn")],
                            requiredInterface: nil, line: 1)

    @Test func userByName() {
        #expect(entry.admits(isUser: { $0 == "alice" }, isInGroup: { _ in false }))
        #expect(!entry.admits(isUser: { $0 == "bob" }, isInGroup: { _ in false }))
    }

    @Test func groupByMembership() {
        #expect(entry.admits(isUser: { _ in false }, isInGroup: { $0 == "vpn" }))
        // a user *named* like the group is not a member of it
        #expect(!entry.admits(isUser: { $0 == "vpn" }, isInGroup: { _ in false }))
    }
}

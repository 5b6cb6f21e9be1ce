import Testing
@testable import NetnsPolicy

@Suite("Namespace names")
struct NamespaceNameTests {
    @Test("accepts ordinary names", arguments: ["vpn_jail", "a", "proton0", "A.b-c_9", "0", String(repeating: "x", count: 64)])
    func accepts(_ name: String) {
        #expect(NamespaceName(name)?.value == name)
    }

    @Test("refuses names that could leave /run/netns or look like options",
          arguments: ["", ".", "..", "../../proc/1/ns/net", "a/b", "/abs", "-x", "--help", ".hidden",
                      "_under", "a b", "a\nb", "a\u{0}b", "é", "ns\u{200B}", String(repeating: "x", count: 65)])
    func refuses(_ name: String) {
        #expect(NamespaceName(name) == nil)
    }
}

@Suite("Interface names")
struct InterfaceNameTests {
    @Test func limits() {
        #expect(InterfaceName("proton0") != nil)
        #expect(InterfaceName("wg-vpn.1") != nil)
        #expect(InterfaceName(String(repeating: "a", count: 15)) != nil)
        #expect(InterfaceName(String(repeating: "a", count: 16)) == nil)
        for bad in ["", ".", "..", "a/b", "a b", "a:b", "ä"] {
            #expect(InterfaceName(bad) == nil, "\(bad)")
        }
    }
}

@Suite("Members")
struct MemberTests {
    @Test func usersAndGroups() {
        #expect(Member("alice") == .user("alice"))
        #expect(Member("@vpn") == .group("vpn"))
        #expect(Member("host$") == .user("host$"))
        for bad in ["@", "-rf", "@-x", "a$b", "a/b", "@@x", String(repeating: "u", count: 33)] {
            #expect(Member(bad) == nil, "\(bad)")
        }
    }
}

@Suite("Quoting untrusted text")
struct QuotedTests {
    @Test func escapesControlAndNonASCII() {
        #expect(Quoted.text("ok") == "'ok'")
        #expect(Quoted.text("a\nb") == "'a\\x0ab'")
        #expect(Quoted.text("\u{1b}[31m") == "'\\x1b[31m'")
        #expect(Quoted.text("é") == "'\\xc3\\xa9'")
        #expect(Quoted.text("it's") == "'it\\x27s'")
        #expect(Quoted.text(String(repeating: "y", count: 100)).hasSuffix("...'"))
    }

    @Test func aLongerLimitShowsMore() {
        let long = String(repeating: "y", count: 100)
        #expect(Quoted.text(long, limit: 200) == "'\(long)'")
    }

    /// The console's and syslog's last defence: text is kept, terminal
    /// controls (C0 but newline and tab, DEL, C1) are shown as \xNN.
    @Test func terminalSafeEscapesOnlyControls() {
        #expect(Quoted.terminalSafe("netns-jail: é ok\n\tx", keepLines: true) == "netns-jail: é ok\n\tx")
        #expect(Quoted.terminalSafe("a\u{1b}]0;t\u{07}\rb\u{7f}", keepLines: true) == "a\\x1b]0;t\\x07\\x0db\\x7f")
        #expect(Quoted.terminalSafe("\u{9b}2K", keepLines: true) == "\\xc2\\x9b2K")
        #expect(Quoted.terminalSafe("a\nb", keepLines: false) == "a\\x0ab")
    }
}

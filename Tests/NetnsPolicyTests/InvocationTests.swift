import Testing
@testable import NetnsPolicy

private func parse(_ args: [String]) throws(Invocation.UsageError) -> Invocation {
    let argv = ["netns-exec"] + args
    var asked: Set<Int> = []
    let result = try Invocation.parse(count: argv.count) { asked.insert($0); return argv[$0] }
    return result
}

@Suite("command line")
struct InvocationTests {
    @Test func launch() throws {
        #expect(try parse(["vpn_jail", "qbittorrent", "%U"]) == .launch(namespace: NamespaceName("vpn_jail")!, commandIndex: 2))
    }

    @Test func optionsStopAtTheNamespace() throws {
        // --help after the namespace belongs to the command
        #expect(try parse(["ns", "ls", "--help"]) == .launch(namespace: NamespaceName("ns")!, commandIndex: 2))
        #expect(try parse(["ns", "--help"]) == .launch(namespace: NamespaceName("ns")!, commandIndex: 2))
        #expect(try parse(["--", "ns", "-x"]) == .launch(namespace: NamespaceName("ns")!, commandIndex: 3))
    }

    @Test func actions() throws {
        #expect(try parse(["-h"]) == .help)
        #expect(try parse(["--help", "ns", "cmd"]) == .help)
        #expect(try parse(["-V"]) == .version)
        #expect(try parse(["--version"]) == .version)
        #expect(try parse(["-l"]) == .list)
        #expect(try parse(["--list"]) == .list)
    }

    @Test func usageErrors() {
        #expect(throws: Invocation.UsageError.missingNamespace) { try parse([]) }
        #expect(throws: Invocation.UsageError.missingNamespace) { try parse(["--"]) }
        #expect(throws: Invocation.UsageError.missingCommand(NamespaceName("ns")!)) { try parse(["ns"]) }
        #expect(throws: Invocation.UsageError.unknownOption("-x")) { try parse(["-x", "ns", "cmd"]) }
        #expect(throws: Invocation.UsageError.unknownOption("-lh")) { try parse(["-lh"]) }
        #expect(throws: Invocation.UsageError.unknownOption("-")) { try parse(["-", "cmd"]) }
        #expect(throws: Invocation.UsageError.listTakesNoArguments) { try parse(["-l", "ns"]) }
        #expect(throws: Invocation.UsageError.invalidNamespace("../x")) { try parse(["../x", "cmd"]) }
        #expect(throws: Invocation.UsageError.invalidNamespace("-x")) { try parse(["--", "-x", "cmd"]) }
        #expect(throws: Invocation.UsageError.invalidNamespace("")) { try parse(["", "cmd"]) }
    }

    @Test func commandWordsAreNeverRead() throws {
        let argv = ["netns-exec", "ns", "cmd", "a", "b"]
        var asked: [Int] = []
        _ = try Invocation.parse(count: argv.count) { asked.append($0); return argv[$0] }
        #expect(asked == [1, 1])  // once as a candidate option, once as the name
    }

    @Test func menuNameIsAnOptionAndIsFound() throws {
        let args = ["--menu-name=qBittorrent (VPN)", "vpn_jail", "qbittorrent", "--menu-name=not-ours"]
        #expect(try parse(args) == .launch(namespace: NamespaceName("vpn_jail")!, commandIndex: 3))
        let all = ["netns-exec"] + args
        #expect(Invocation.menuName(count: all.count) { all[$0] } == "qBittorrent (VPN)")
        let none = ["netns-exec", "vpn_jail", "--menu-name=x"]
        #expect(Invocation.menuName(count: none.count) { none[$0] } == nil)
        #expect(throws: Invocation.UsageError.self) { try parse(["--menu-name", "vpn_jail", "x"]) }
    }

    @Test func menuNamesTravelAsOnePlainWord() {
        for name in ["qBittorrent (VPN)", "qBittorrent торрент (VPN)", "a=b %U \"x\" ;$", ""] {
            let word = Invocation.encodeMenuName(name)
            #expect(word.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "=")].contains(b)
            })
            #expect(Invocation.decodeMenuName(word) == name)
        }
        #expect(Invocation.encodeMenuName("qBittorrent (VPN)") == "qBittorrent=20=28VPN=29")
        #expect(Invocation.decodeMenuName("Tool (VPN)") == "Tool (VPN)")
        #expect(Invocation.decodeMenuName("x=4") == "x=4")
    }
}

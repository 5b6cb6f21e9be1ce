import Testing
@testable import JailKit

@Suite("Exec= quoting")
struct DesktopExecTests {
    @Test("splits values the way the specification quotes them", arguments: [
        ("app %U", ["app", "%U"]),
        (#""/opt/My App/app" --x"#, ["/opt/My App/app", "--x"]),
        // string layer first (\\ -> \), then the quoting layer (\" -> ").
        (#"sh -c "echo \\"hi\\" \\$HOME \\\\ \\`x\\`""#, ["sh", "-c", #"echo "hi" $HOME \ `x`"#]),
        (#"a\sb c"#, ["a", "b", "c"]),
        (#"app "" x"#, ["app", "", "x"]),
        ("app\t  two", ["app", "two"]),
    ])
    func splits(_ value: String, expected: [String]) throws {
        #expect(try DesktopExec.arguments(ofValue: value) == expected)
    }

    @Test func refusesMalformed() {
        #expect(throws: DesktopExecError.unclosedQuote) { try DesktopExec.arguments(ofValue: #"app "open"#) }
        #expect(throws: DesktopExecError.unclosedQuote) { try DesktopExec.arguments(ofValue: #"app "a\\"#) }
        #expect(throws: DesktopExecError.empty) { try DesktopExec.arguments(ofValue: "  ") }
    }

    @Test("quotes an added argument so it reads back unchanged", arguments: [
        "netns-exec", "/usr/bin/netns-exec", "/opt/net ns/bin/netns-exec", #"/odd/"q"/$x/\b/`c`"#, "/100%/x", "",
    ])
    func quotesAndReadsBack(_ argument: String) throws {
        let file = DesktopExec.fileForm(ofArgument: argument)
        // %% is the field-code layer; a launcher turns it back into %.
        let parsed = try DesktopExec.arguments(ofValue: file + " %U").map { $0.replacingOccurrences(of: "%%", with: "%") }
        #expect(parsed == [argument, "%U"])
    }

    @Test func plainArgumentsStayPlain() {
        #expect(DesktopExec.fileForm(ofArgument: "/usr/bin/netns-exec") == "/usr/bin/netns-exec")
        #expect(DesktopExec.fileForm(ofArgument: "/opt/a b/x") == #""/opt/a b/x""#)
        #expect(DesktopExec.fileForm(ofArgument: #"/a"b"#) == #""/a\\"b""#)
    }
}

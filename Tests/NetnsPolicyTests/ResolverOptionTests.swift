import Testing
@testable import NetnsPolicy

@Suite("resolver= per namespace")
struct ResolverOptionTests {
    private func entry(_ line: String) throws -> PolicyEntry? {
        try Policy.parse(Array(line.utf8)).entries.first
    }

    @Test func theJailsOwnResolverIsTheDefault() throws {
        #expect(try entry("ns alice")?.usesHostResolver == false)
        #expect(try entry("ns alice resolver=jail")?.usesHostResolver == false)
        #expect(try entry("ns resolver=host alice")?.usesHostResolver == true)
    }

    @Test func otherValuesAndRepeatsAreErrors() {
        for (line, message) in [("ns alice resolver=Host", "resolver= takes 'jail' or 'host' (see netns-exec.conf(5))"),
                                ("ns alice resolver=", "resolver= takes 'jail' or 'host' (see netns-exec.conf(5))"),
                                ("ns alice resolver=vpn", "resolver= takes 'jail' or 'host' (see netns-exec.conf(5))"),
                                ("ns alice resolver=host resolver=jail", "resolver= is given twice")] {
            do {
                _ = try Policy.parse(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.errors.map(\.message) == [message])
            }
        }
    }

    @Test func theUnknownOptionMessageNamesIt() {
        do {
            _ = try Policy.parse(Array("ns alice dns=host".utf8))
            Issue.record("accepted dns=host")
        } catch {
            #expect(error.errors.first?.message.contains("resolver=jail|host") == true)
        }
    }
}

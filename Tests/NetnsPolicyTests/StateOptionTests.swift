import Testing
@testable import NetnsPolicy

@Suite("state= per namespace")
struct StateOptionTests {
    private func entry(_ line: String) throws -> PolicyEntry? {
        try Policy.parse(Array(line.utf8)).entries.first
    }

    @Test func perJailIsTheDefault() throws {
        #expect(try entry("ns alice")?.sharesState == false)
        #expect(try entry("ns alice state=per-jail")?.sharesState == false)
        #expect(try entry("ns state=shared alice")?.sharesState == true)
    }

    @Test func otherValuesAndRepeatsAreErrors() {
        for (line, message) in [("ns alice state=Shared", "state= takes 'per-jail' or 'shared' (see netns-exec.conf(5))"),
                                ("ns alice state=", "state= takes 'per-jail' or 'shared' (see netns-exec.conf(5))"),
                                ("ns alice state=shared state=per-jail", "state= is given twice")] {
            do {
                _ = try Policy.parse(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.errors.map(\.message) == [message])
            }
        }
    }
}

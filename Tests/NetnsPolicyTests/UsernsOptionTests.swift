import Testing
@testable import NetnsPolicy

@Suite("userns=allow per namespace")
struct UsernsOptionTests {
    private func entry(_ line: String) throws -> PolicyEntry? {
        try Policy.parse(Array(line.utf8)).entries.first
    }

    @Test func refusedUnlessAllowed() throws {
        #expect(try entry("ns alice")?.permitsUserNamespaces == false)
        #expect(try entry("ns alice userns=allow")?.permitsUserNamespaces == true)
        #expect(try entry("ns userns=allow @video state=shared")?.permitsUserNamespaces == true)
    }

    @Test func otherValuesAreErrors() {
        for line in ["ns alice userns=yes", "ns alice userns=", "ns alice userns=Allow"] {
            do {
                _ = try Policy.parse(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.errors.map(\.message) == ["userns= takes only 'allow' (see netns-exec.conf(5))"])
            }
        }
    }
}

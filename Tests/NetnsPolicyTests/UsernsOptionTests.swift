import Testing
@testable import NetnsPolicy

@Suite("userns=allow|deny per namespace")
struct UsernsOptionTests {
    private func entry(_ line: String) throws -> PolicyEntry? {
        try Policy.parse(Array(line.utf8)).entries.first
    }

    /// Allowed unless the line says userns=deny: the sandboxes of the
    /// programs people jail are made of user namespaces (SECURITY.md,
    /// "Programs that sandbox themselves").
    @Test func allowedUnlessDenied() throws {
        #expect(try entry("ns alice")?.permitsUserNamespaces == true)
        #expect(try entry("ns alice userns=allow")?.permitsUserNamespaces == true)
        #expect(try entry("ns alice userns=deny")?.permitsUserNamespaces == false)
        #expect(try entry("ns userns=deny @video state=shared")?.permitsUserNamespaces == false)
    }

    @Test func otherValuesAreErrors() {
        for line in ["ns alice userns=yes", "ns alice userns=", "ns alice userns=Allow", "ns alice userns=no"] {
            do {
                _ = try Policy.parse(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.errors.map(\.message) == ["userns= takes 'allow' or 'deny' (see netns-exec.conf(5))"])
            }
        }
    }

    /// Two answers on one line would leave a reader guessing which one the
    /// launcher takes.
    @Test func givenTwiceIsAnError() {
        for line in ["ns alice userns=allow userns=deny", "ns alice userns=deny userns=deny"] {
            do {
                _ = try Policy.parse(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.errors.map(\.message) == ["userns= is given twice"])
            }
        }
    }
}

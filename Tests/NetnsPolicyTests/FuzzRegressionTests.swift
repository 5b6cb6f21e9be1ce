import Testing
@testable import NetnsPolicy

/// The properties fuzz/targets/policy.swift and invocation.swift check on
/// every generated input, pinned here on the hostile inputs they were
/// written for. (make fuzz found no crash or hang in these parsers; if it
/// ever does, the input belongs in this file.)
@Suite("fuzz properties")
struct FuzzRegressionTests {
    static func isPrintableLine(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }

    @Test(arguments: [
        "vpn\u{1B}[2J alice\n",            // a terminal escape in a namespace name
        "vpn alice\u{07}\n",               // a bell in a member
        "vpn require=\u{0}x alice\n",      // NUL in an option value
        "vpn alice\r\rbob\n",              // stray carriage returns
        String(repeating: "a", count: 5000) + "\n",
        "vpn @\n", "vpn require= alice\n", "\u{FF}\n",
    ])
    func policyErrorsAreOnePrintableLine(_ text: String) {
        do throws(PolicyParseFailure) {
            _ = try Policy.parse(Array(text.utf8))
        } catch {
            for problem in error.errors {
                #expect(problem.line >= 1)
                #expect(Self.isPrintableLine(problem.message), "\(problem.message)")
            }
        }
    }

    @Test func acceptedPolicyRoundTrips() throws {
        let policy = try Policy.parse(Array("a.b alice @wheel\trequire=wg0 # c\r\nx svc$\n y bob bob\n".utf8))
        let canonical = policy.entries.map { entry in
            ([entry.namespace.value] + entry.members.map(\.description)
             + (entry.requiredInterface.map { ["require=" + $0.value] } ?? [])).joined(separator: " ")
        }.joined(separator: "\n")
        let again = try Policy.parse(Array(canonical.utf8))
        #expect(again.entries.map(\.namespace) == policy.entries.map(\.namespace))
        #expect(again.entries.map(\.members) == policy.entries.map(\.members))
        #expect(again.entries.map(\.requiredInterface) == policy.entries.map(\.requiredInterface))
    }

    @Test(arguments: [["-\u{1B}]0;x\u{07}"], ["\u{1B}ns", "cmd"], ["--", "-x", "cmd"], ["", "cmd"]])
    func usageMessagesAreOnePrintableLine(_ args: [String]) {
        let argv = ["netns-exec"] + args
        do throws(Invocation.UsageError) {
            _ = try Invocation.parse(count: argv.count) { argv[$0] }
        } catch {
            #expect(Self.isPrintableLine(error.message), "\(error.message)")
        }
    }

    @Test func theCommandIsNeverRead() throws {
        let argv = ["netns-exec", "-h", "--", "ns", "cmd", "--list"]
        var highest = 0
        _ = try Invocation.parse(count: argv.count) { highest = max(highest, $0); return argv[$0] }
        // -h wins, but the parser may still walk the options; never past "ns".
        #expect(highest <= 3)
    }
}

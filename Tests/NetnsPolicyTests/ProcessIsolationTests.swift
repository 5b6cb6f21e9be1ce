import Testing
@testable import NetnsPolicy

@Suite("which guard keeps a jailed program from the user's other processes")
struct ProcessIsolationTests {
    @Test func landlockThatKeepsRenamesIsPreferred() {
        #expect(ProcessIsolation.choose(landlockABI: 6, yamaScope: 1, allowsHostPtrace: false)
                == .landlock(abi: 6, scoped: true))
        #expect(ProcessIsolation.choose(landlockABI: 7, yamaScope: nil, allowsHostPtrace: false)
                == .landlock(abi: 7, scoped: true))
        #expect(ProcessIsolation.choose(landlockABI: 2, yamaScope: 0, allowsHostPtrace: false)
                == .landlock(abi: 2, scoped: false))
        #expect(ProcessIsolation.choose(landlockABI: 5, yamaScope: nil, allowsHostPtrace: true)
                == .landlock(abi: 5, scoped: false))
    }

    @Test func yamaWhenLandlockIsAbsentOrWouldBreakRenames() {
        // Slackware's stock kernel: no Landlock, Yama at 1.
        #expect(ProcessIsolation.choose(landlockABI: nil, yamaScope: 1, allowsHostPtrace: false) == .yama(scope: 1))
        // ABI 1 cannot grant REFER, so every ruleset there breaks renames.
        #expect(ProcessIsolation.choose(landlockABI: 1, yamaScope: 2, allowsHostPtrace: false) == .yama(scope: 2))
        #expect(ProcessIsolation.choose(landlockABI: nil, yamaScope: 3, allowsHostPtrace: false) == .yama(scope: 3))
    }

    @Test func neitherIsARefusalThatSaysWhatToDo() {
        for (abi, scope) in [(nil, nil), (nil, 0), (1, 0), (1, nil)] as [(Int?, Int?)] {
            guard case .unavailable(let reason) = ProcessIsolation.choose(
                landlockABI: abi, yamaScope: scope, allowsHostPtrace: false) else {
                Issue.record("launch not refused for \(String(describing: abi)), \(String(describing: scope))")
                continue
            }
            #expect(reason.contains("sysctl kernel.yama.ptrace_scope=1"))
            #expect(!reason.contains("\n"))
        }
    }

    @Test func onlyTheNamedOptOutLaunchesUnguarded() {
        #expect(ProcessIsolation.choose(landlockABI: nil, yamaScope: 0, allowsHostPtrace: true) == .unguarded)
        #expect(ProcessIsolation.choose(landlockABI: 1, yamaScope: nil, allowsHostPtrace: true) == .unguarded)
    }

    @Test func theOptOutIsParsedPerNamespace() throws {
        let policy = try Policy.parse(Array("open alice host-ptrace=allow\nclosed alice\n".utf8))
        #expect(policy.entry(for: NamespaceName("open")!)?.allowsHostPtrace == true)
        #expect(policy.entry(for: NamespaceName("closed")!)?.allowsHostPtrace == false)
    }

    @Test func theOptOutTakesOneSpelling() {
        for line in ["ns alice host-ptrace=yes", "ns alice host-ptrace=", "ns alice host-ptrace=ALLOW"] {
            do {
                _ = try Policy.parse(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.errors.first?.message == "host-ptrace= takes only 'allow' (see netns-exec.conf(5))")
            }
        }
    }
}

import FoundationEssentials
import Testing
@testable import JailKit

/// Foundation's file errors in netns-jail's words: the errno's text with
/// the path, never CocoaError's own description (issue 22: a full
/// /run/netns-jail printed `CocoaError ... ENOSPC`). Real failed writes,
/// no constructed errors.
@Suite("Foundation file errors")
struct FoundationErrorTests {
    let path = "/nonexistent-netns-jail-test/dir/file"

    func failedWrite() -> (any Error)? {
        do { try Data("x".utf8).write(to: URL(fileURLWithPath: path)); return nil } catch { return error }
    }

    @Test func reasonIsTheErrnoText() throws {
        let error = try #require(failedWrite())
        #expect(JailError.reason(error) == "No such file or directory")
    }

    @Test func anUnhandledOneIsAFailureWithThePath() throws {
        let error = try #require(failedWrite())
        let failure = try #require(JailError.file(error))
        #expect(failure.description == "netns-jail: \(path): No such file or directory")
        #expect(failure.exitStatus == ExitStatus.failure)
    }

    /// The control: what would have been printed without it.
    @Test func withoutItFoundationsOwnWordsShow() throws {
        let error = try #require(failedWrite())
        #expect("\(error)".contains("CocoaError") || "\(error)".contains("NSCocoaErrorDomain"))
        #expect(JailError.file(JailError.failure("x")) == nil)
    }
}

import Foundation
import Testing
@testable import JailKit

/// PID records: a PID and a start time, trusted only while both match.
@Suite struct ProcessRecordTests {
    @Test func parsesOnlyTheRecordForm() {
        #expect(ProcessRecord.parse("4242 start=123456") == ProcessRecord(pid: 4242, startTime: 123456))
        #expect(ProcessRecord.parse("4242") == nil)  // an older netns-jail's bare PID
        #expect(ProcessRecord.parse("4242 123456") == nil)
        #expect(ProcessRecord.parse("1 start=5") == nil)
        #expect(ProcessRecord.parse("-3 start=5") == nil)
        #expect(ProcessRecord.parse("4242 start=") == nil)
        #expect(ProcessRecord.parse("4242 start=5 x") == nil)
        #expect(ProcessRecord(pid: 7, startTime: 9).line == "7 start=9")
    }

    @Test func thisProcessIsRunningAndAnotherStartTimeIsNot() throws {
        let me = try #require(ProcessRecord.current)
        #expect(me.isRunning)
        #expect(!ProcessRecord(pid: me.pid, startTime: me.startTime + 1).isRunning)
    }

    @Test func aRecordSurvivesAWriteAndARead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let me = try #require(ProcessRecord.current)
        #expect(me.write(to: dir + "/x.pid") == 0)
        #expect(ProcessRecord.read(dir + "/x.pid") == me)
    }

    /// `ip -j` writes control bytes in interface names raw; escaped, the
    /// listing decodes and the name keeps its bytes.
    @Test func rawControlsInIPJSONAreEscaped() throws {
        let raw = "[{\"ifname\":\"\u{1b}]52;c;YQ==\u{07}\"}]\n"
        let fixed = JailInspection.escapingControls(raw)
        let decoded = try JSONSerialization.jsonObject(with: Data(fixed)) as? [[String: String]]
        #expect(decoded?.first?["ifname"] == "\u{1b}]52;c;YQ==\u{07}")
    }
}

// libFuzzer target: the /etc/netns-exec.conf grammar (Policy.parse), built
// by fuzz/run.sh together with the NetnsPolicy sources in one module.
//
// Beyond "does not crash or hang", it checks what the launcher relies on:
//  - every error carries a real line number and a message that is one line
//    of printable ASCII (messages reach a terminal and syslog verbatim);
//  - an accepted policy, written back out in canonical form, parses to the
//    same entries (nothing in a line is silently lost or reinterpreted).

@_cdecl("LLVMFuzzerTestOneInput")
public func policyTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lineCount = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
    do throws(PolicyParseFailure) {
        let policy = try Policy.parse(bytes)
        var canonical = ""
        for entry in policy.entries {
            precondition(!entry.members.isEmpty, "an entry without members was accepted")
            precondition(entry.line >= 1 && entry.line <= lineCount, "entry line out of range")
            canonical += ([entry.namespace.value] + entry.members.map(\.description)
                          + (entry.requiredInterface.map { ["require=" + $0.value] } ?? [])).joined(separator: " ") + "\n"
        }
        let again = try! Policy.parse(Array(canonical.utf8))
        precondition(again.entries.map(\.namespace) == policy.entries.map(\.namespace), "round trip changed the namespaces")
        precondition(again.entries.map(\.members) == policy.entries.map(\.members), "round trip changed the members")
        precondition(again.entries.map(\.requiredInterface) == policy.entries.map(\.requiredInterface), "round trip changed require=")
    } catch {
        precondition(!error.errors.isEmpty, "a failure without errors")
        for problem in error.errors {
            precondition(problem.line >= 1 && problem.line <= lineCount, "error line \(problem.line) out of range")
            precondition(problem.message.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "unprintable byte in a message")
        }
    }
    return 0
}

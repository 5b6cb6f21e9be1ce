// libFuzzer target: the netns-exec argument parser (Invocation.parse),
// built by fuzz/run.sh together with the NetnsPolicy sources in one module.
// The input is argv after argv[0], NUL-separated.
//
// Checks: the parser only reads the arguments up to the namespace (the
// command is never looked at), a launch always leaves a command to run and
// a valid namespace name, and every usage message is one line of printable
// ASCII.

@_cdecl("LLVMFuzzerTestOneInput")
public func invocationTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let words = ["netns-exec"] + bytes.split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    var highestRead = 0
    do throws(Invocation.UsageError) {
        let result = try Invocation.parse(count: words.count) { index in
            precondition(index >= 1 && index < words.count, "argument \(index) out of range")
            highestRead = max(highestRead, index)
            return words[index]
        }
        if case .launch(let namespace, let commandIndex) = result {
            precondition(commandIndex < words.count, "no command left to run")
            precondition(highestRead < commandIndex, "the parser looked at the command")
            precondition(namespace.value == words[commandIndex - 1], "the namespace is not the word before the command")
            precondition(NamespaceName(namespace.value) != nil, "an invalid namespace was accepted")
        }
    } catch {
        precondition(error.message.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "unprintable byte in a usage message")
    }
    return 0
}

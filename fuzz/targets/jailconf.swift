// libFuzzer target: the /etc/netns-jail.conf grammar (JailConfig.parse),
// built by fuzz/run.sh with the JailKit sources against an instrumented
// NetnsPolicy module. Checks: no crash or hang; every diagnostic points at
// a line of the input and is one line; an accepted jail has a valid name,
// an absolute WireGuard path and an interface no other jail uses.
import NetnsPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func jailConfigTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lineCount = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
    do throws(ConfigFailure) {
        let config = try JailConfig.parse(bytes: bytes, file: "fuzz.conf")
        for jail in config.jails {
            precondition(jail.wireguard.hasPrefix("/"), "a relative WireGuard path was accepted")
            precondition(config.jails.filter { $0.interface == jail.interface }.count == 1, "interface used twice")
            precondition(config.jails.filter { $0.name == jail.name }.count == 1, "jail defined twice")
        }
    } catch {
        for d in error.diagnostics {
            // A configuration file's diagnostics always name a line.
            let line = d.line ?? 0
            precondition(line >= 1 && line <= lineCount + 1, "diagnostic line \(line) out of range")
            precondition(!d.message.utf8.contains(UInt8(ascii: "\n")), "a diagnostic spans lines")
        }
    }
    return 0
}

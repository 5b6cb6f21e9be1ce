// netns-exec-filter: prints the jail's seccomp filter as a C header.
//
// Runs at build time (scripts/build-launcher.sh). libseccomp turns the rules
// of JailFilter into a BPF program here, once, instead of in the privileged
// launcher at every start: the launcher then links neither libseccomp nor
// its rule compiler, and loads a fixed array with one seccomp(2) call. The
// output depends only on the rules, the libseccomp version and the
// architecture it runs on, which is the architecture being built for.
import CSeccomp
import Glibc

func fail(_ message: String) -> Never {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

/// The jail's program, and the userns=allow variant (JailFilter.build):
/// UnknownCalls' prefix, then what libseccomp makes of the rules.
func export(permitsUserNamespaces: Bool) -> (BPFProgram, [UnknownCalls.ABI]) {
    do throws(FilterError) {
        let ctx = try JailFilter.build(permitsUserNamespaces: permitsUserNamespaces)
        defer { seccomp_release(ctx) }
        let abis = UnknownCalls.abis(in: ctx)
        return (try BPFProgram.export(ctx).prefixed(by: UnknownCalls.prefix(for: abis)), abis)
    }
    catch {
        fail(error.message)
    }
}
let (jail, abis) = export(permitsUserNamespaces: false)
let programs = [("cl_jail_filter", jail), ("cl_jail_filter_userns", export(permitsUserNamespaces: true).0)]

var system = utsname()
uname(&system)
let machine = withUnsafeBytes(of: system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
guard !machine.isEmpty, machine.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }) else {
    fail("netns-exec-filter: unexpected machine name '\(machine)'")
}
let version = seccomp_version()!.pointee
let header = FilterHeader.text(programs, known: abis.map { ($0.name, UnknownCalls.known($0)) }, machine: machine,
                               libseccomp: "\(version.major).\(version.minor).\(version.micro)")
_ = header.withCString { write(1, $0, strlen($0)) }

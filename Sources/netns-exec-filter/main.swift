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

let ctx: scmp_filter_ctx
do throws(FilterError) {
    ctx = try JailFilter.build()
} catch {
    fail(error.message)
}

// seccomp_export_bpf writes to a descriptor; read the bytes back from an
// unlinked temporary file.
guard let file = tmpfile() else { fail("netns-exec-filter: tmpfile: \(String(cString: strerror(errno)))") }
let fd = fileno(file)
let rc = seccomp_export_bpf(ctx, fd)
guard rc == 0 else { fail("netns-exec-filter: seccomp_export_bpf: \(String(cString: strerror(-rc)))") }
seccomp_release(ctx)
var bytes: [UInt8] = []
var buffer = [UInt8](repeating: 0, count: 4096)
guard lseek(fd, 0, SEEK_SET) == 0 else { fail("netns-exec-filter: lseek failed") }
while true {
    let n = read(fd, &buffer, buffer.count)
    if n < 0 && errno == EINTR { continue }
    guard n >= 0 else { fail("netns-exec-filter: read: \(String(cString: strerror(errno)))") }
    if n == 0 { break }
    bytes += buffer[..<n]
}
// struct sock_filter is 8 bytes: u16 code, u8 jt, u8 jf, u32 k (host order).
guard !bytes.isEmpty, bytes.count % 8 == 0, bytes.count / 8 <= 4096 else {
    fail("netns-exec-filter: libseccomp produced \(bytes.count) bytes, not a BPF program")
}

func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
}
func little(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
    (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
}

var arch = utsname()
uname(&arch)
let machine = withUnsafeBytes(of: arch.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
let version = seccomp_version()!.pointee

var out = """
// Generated at build time by netns-exec-filter (Sources/netns-exec-filter)
// with libseccomp \(version.major).\(version.minor).\(version.micro) on \(machine). Do not edit: the rules and
// the reason for each are in JailFilter.swift. \(bytes.count / 8) instructions.
#define CL_JAIL_FILTER_FOR_\(machine) 1
static const struct sock_filter cl_jail_filter[] = {

"""
for at in stride(from: 0, to: bytes.count, by: 8) {
    out += "    {\(hex(little(bytes, at, 2), digits: 4)), \(bytes[at + 2]), \(bytes[at + 3]), \(hex(little(bytes, at + 4, 4), digits: 8))},\n"
}
out += "};\n"
_ = out.withCString { write(1, $0, strlen($0)) }

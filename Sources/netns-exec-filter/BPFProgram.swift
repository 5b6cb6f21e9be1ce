import CSeccomp
import Glibc

/// One classic BPF instruction, as `struct sock_filter` lays it out:
/// 16-bit opcode, two 8-bit jump offsets, 32-bit operand, in host order.
struct BPFInstruction {
    let code: UInt16
    let jumpTrue: UInt8
    let jumpFalse: UInt8
    let operand: UInt32
}

/// The program libseccomp made of a filter context.
struct BPFProgram {
    let instructions: [BPFInstruction]

    /// The kernel accepts at most BPF_MAXINSNS (4096) instructions.
    static let maximumLength = 4096

    /// Exports `ctx` with seccomp_export_bpf, which writes to a descriptor,
    /// through an unlinked temporary file.
    static func export(_ ctx: scmp_filter_ctx) throws(FilterError) -> BPFProgram {
        guard let file = tmpfile() else { throw FilterError(call: "tmpfile", what: nil, errno: errno) }
        defer { fclose(file) }
        let fd = fileno(file)
        let rc = seccomp_export_bpf(ctx, fd)
        guard rc == 0 else { throw FilterError(call: "seccomp_export_bpf", what: nil, errno: -rc) }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw FilterError(call: "lseek", what: nil, errno: errno) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FilterError(call: "read", what: nil, errno: errno) }
            if n == 0 { break }
            bytes += buffer[..<n]
        }
        let size = 8
        guard !bytes.isEmpty, bytes.count % size == 0, bytes.count / size <= maximumLength else {
            throw FilterError(call: "seccomp_export_bpf", what: "\(bytes.count) bytes, not a BPF program", errno: EINVAL)
        }
        let instructions = bytes.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: size).map { at in
                BPFInstruction(code: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self),
                               jumpTrue: raw[at + 2], jumpFalse: raw[at + 3],
                               operand: raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
            }
        }
        return BPFProgram(instructions: instructions)
    }
}

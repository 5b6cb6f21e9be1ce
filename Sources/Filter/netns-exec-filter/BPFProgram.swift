import CSeccomp
import Glibc

/// One classic BPF instruction, as `struct sock_filter` lays it out:
/// 16-bit opcode, two 8-bit jump offsets, 32-bit operand, in host order.
struct BPFInstruction {
    let code: UInt16
    let jumpTrue: UInt8
    let jumpFalse: UInt8
    let operand: UInt32

    // Opcodes of <linux/filter.h> that UnknownCalls' prefix uses.
    static let jeq: UInt16 = 0x15   // BPF_JMP | BPF_JEQ | BPF_K
    static let jgt: UInt16 = 0x25   // BPF_JMP | BPF_JGT | BPF_K
    static let jge: UInt16 = 0x35   // BPF_JMP | BPF_JGE | BPF_K

    /// BPF_LD | BPF_W | BPF_ABS: a 32-bit field of struct seccomp_data.
    static func load(offset: UInt32) -> BPFInstruction {
        BPFInstruction(code: 0x20, jumpTrue: 0, jumpFalse: 0, operand: offset)
    }

    /// A comparison with a constant; the offsets count the instructions
    /// skipped, forward only, at most 255 (a jump field is 8 bits).
    static func jump(_ code: UInt16, _ value: UInt32, true skipTrue: Int, false skipFalse: Int) -> BPFInstruction {
        precondition((0...255).contains(skipTrue) && (0...255).contains(skipFalse), "BPF jump out of range")
        return BPFInstruction(code: code, jumpTrue: UInt8(skipTrue), jumpFalse: UInt8(skipFalse), operand: value)
    }

    /// BPF_JMP | BPF_JA.
    static func jumpAlways(_ skip: Int) -> BPFInstruction {
        precondition(skip >= 0, "BPF jump backwards")
        return BPFInstruction(code: 0x05, jumpTrue: 0, jumpFalse: 0, operand: UInt32(skip))
    }

    /// BPF_RET | BPF_K: the filter's answer.
    static func ret(_ action: UInt32) -> BPFInstruction {
        BPFInstruction(code: 0x06, jumpTrue: 0, jumpFalse: 0, operand: action)
    }
}

/// The program libseccomp made of a filter context, with UnknownCalls'
/// prefix in front once `prefixed` has run.
struct BPFProgram {
    let instructions: [BPFInstruction]

    /// `prefix`, then this program: a jump past the prefix's end lands on
    /// this program's first instruction.
    func prefixed(by prefix: [BPFInstruction]) throws(FilterError) -> BPFProgram {
        let all = prefix + instructions
        guard all.count <= BPFProgram.maximumLength else {
            throw FilterError(call: "UnknownCalls.prefix", what: "\(all.count) instructions, more than the kernel takes", errno: E2BIG)
        }
        return BPFProgram(instructions: all)
    }

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

import CSeccomp
import Glibc

/// System calls the filter does not know are refused with ENOSYS.
///
/// The rules in JailFilter are a deny-list of the ways out that were
/// reviewed. A call the kernel adds later is not in it: `open_tree_attr`
/// (Linux 6.15) cloned mount trees under `userns=allow` while `open_tree`
/// was refused. So every number above the filter's table, on every ABI the
/// filter names, fails as on a kernel that lacks the call, and the next new
/// mount or namespace call is closed before anyone lists it. ENOSYS is the
/// answer programs expect from an older kernel: glibc and programs that
/// probe a new call (statmount, mseal, ...) fall back to the old way, as
/// they do for clone3.
///
/// libseccomp cannot compare a syscall number with a range, so this is a
/// short BPF prefix of our own, run before libseccomp's program: per ABI,
/// a number inside the table jumps to that program, anything else returns
/// ENOSYS. It loads only the architecture and the number, so the kernel can
/// still tell, for each number, that the program's answer is constant
/// (its cache of always-allowed calls keeps working).
enum UnknownCalls {
    /// The last call number reviewed for the jail: 466, `removexattrat`
    /// (Linux 6.13; 6.14 added none). Since Linux 5.1 (424) every ABI
    /// numbers new calls alike, so one number serves all of them. Raising it
    /// is a review: read each new call in the kernel's syscall tables, add a
    /// rule to JailFilter (and to Tests/Escape/helpers/libseccomp-rules.h)
    /// for any that mounts, makes or enters a namespace, or reaches outside
    /// the jail, then raise this number in both places.
    static let reviewedThrough: UInt32 = 466

    /// One ABI of a filter: the audit architecture the kernel reports for
    /// it, the bit its numbers carry (x32), its libseccomp token, and the
    /// block of ABI-only calls above the common table (x32's compat calls,
    /// ARM's private ones), which is old and fixed.
    struct ABI {
        let name: String
        let token: UInt32
        let auditArch: UInt32
        let numberBit: UInt32
        let privateCalls: ClosedRange<UInt32>?
    }

    static let x32Bit: UInt32 = 0x4000_0000

    /// Every ABI the filter may name; `abis(in:)` keeps those it does.
    static var candidates: [ABI] {
        [ABI(name: "x86_64", token: cs_arch_x86_64(), auditArch: cs_arch_x86_64(), numberBit: 0, privateCalls: nil),
         // x32 enters as x86_64 with bit 30 set in the number; 512-547 are
         // its own compat entries (rt_sigaction ... pwritev2).
         ABI(name: "x32", token: cs_arch_x32(), auditArch: cs_arch_x86_64(), numberBit: x32Bit,
             privateCalls: 512...547),
         ABI(name: "i386", token: cs_arch_x86(), auditArch: cs_arch_x86(), numberBit: 0, privateCalls: nil),
         ABI(name: "aarch64", token: cs_arch_aarch64(), auditArch: cs_arch_aarch64(), numberBit: 0, privateCalls: nil),
         // __ARM_NR_BASE + 1 ... + 6: breakpoint, cacheflush, usr26, usr32,
         // set_tls, get_tls.
         ABI(name: "arm", token: cs_arch_arm(), auditArch: cs_arch_arm(), numberBit: 0,
             privateCalls: 0xF_0001...0xF_0006)]
    }

    /// The ABIs `ctx` names (the native one and those JailFilter added).
    static func abis(in ctx: scmp_filter_ctx) -> [ABI] {
        candidates.filter { seccomp_arch_exist(ctx, $0.token) == 0 }
    }

    /// The last number of the ABI's table: the reviewed number, or lower,
    /// the highest number the libseccomp this is built with names (2.5.4
    /// stops at 456, futex_requeue). A call libseccomp cannot name cannot
    /// be given a rule, so the table stops below it and the call is refused.
    static func lastKnown(_ abi: ABI) -> UInt32 {
        var number = reviewedThrough
        while number > 0 {
            if let name = seccomp_syscall_resolve_num_arch(abi.token, Int32(bitPattern: abi.numberBit | number)) {
                free(name)
                break
            }
            number -= 1
        }
        return number
    }

    /// The numbers that reach libseccomp's program for one ABI.
    static func known(_ abi: ABI) -> [ClosedRange<UInt32>] {
        var ranges = [abi.numberBit...(abi.numberBit | lastKnown(abi))]
        if let own = abi.privateCalls {
            ranges.append((abi.numberBit | own.lowerBound)...(abi.numberBit | own.upperBound))
        }
        return ranges
    }

    /// The prefix for `abis`, to be followed at once by libseccomp's
    /// program ("the rules"):
    ///
    ///     ld  arch
    ///     per architecture: jeq ARCH (else: the next one)
    ///         ld  nr
    ///         per range of known numbers, lowest first:
    ///             nr > last: the next range, or ENOSYS after the last one
    ///             nr >= first: the rules, else ENOSYS (a gap)
    ///     ja  the rules (an architecture not named: libseccomp kills it)
    ///     ret ERRNO(ENOSYS)
    ///
    /// Every jump goes forward, as classic BPF requires.
    static func prefix(for abis: [ABI]) -> [BPFInstruction] {
        // The ABIs grouped by the architecture the kernel reports (x86_64
        // and x32 share one), each with its ranges in order.
        var arches: [(auditArch: UInt32, ranges: [ClosedRange<UInt32>])] = []
        for abi in abis {
            if let at = arches.firstIndex(where: { $0.auditArch == abi.auditArch }) {
                arches[at].ranges += known(abi)
            } else {
                arches.append((abi.auditArch, known(abi)))
            }
        }
        arches = arches.map { ($0.auditArch, $0.ranges.sorted { $0.lowerBound < $1.lowerBound }) }

        func rangeLength(_ range: ClosedRange<UInt32>) -> Int { range.lowerBound == 0 ? 1 : 2 }
        func blockLength(_ ranges: [ClosedRange<UInt32>]) -> Int { 1 + ranges.map(rangeLength).reduce(0, +) }
        let length = 1 + arches.map { 1 + blockLength($0.ranges) }.reduce(0, +) + 2
        let refuse = length - 1, rules = length

        var out: [BPFInstruction] = [.load(offset: 4)]          // seccomp_data.arch
        func jump(_ op: UInt16, _ value: UInt32, to yes: Int, else no: Int) {
            let pc = out.count
            out.append(.jump(op, value, true: yes - pc - 1, false: no - pc - 1))
        }
        for arch in arches {
            let pastBlock = out.count + 1 + blockLength(arch.ranges)
            jump(BPFInstruction.jeq, arch.auditArch, to: out.count + 1, else: pastBlock)
            out.append(.load(offset: 0))                         // seccomp_data.nr
            for (index, range) in arch.ranges.enumerated() {
                let afterRange = out.count + rangeLength(range)
                let above = index + 1 < arch.ranges.count ? afterRange : refuse
                if range.lowerBound == 0 {
                    jump(BPFInstruction.jgt, range.upperBound, to: above, else: rules)
                } else {
                    jump(BPFInstruction.jgt, range.upperBound, to: above, else: out.count + 1)
                    jump(BPFInstruction.jge, range.lowerBound, to: rules, else: refuse)
                }
            }
        }
        out.append(.jumpAlways(rules - out.count - 1))
        out.append(.ret(cs_act_errno(ENOSYS)))
        precondition(out.count == length, "UnknownCalls.prefix: \(out.count) instructions, planned \(length)")
        return out
    }
}

/// The C header that CLinux.c includes: the program as a constant
/// `struct sock_filter` array, and a macro naming the machine it was made
/// on, which CLinux.c checks against the one it is compiled for.
enum FilterHeader {
    static func text(_ programs: [(name: String, program: BPFProgram)], known: [(abi: String, ranges: [ClosedRange<UInt32>])],
                     machine: String, libseccomp: String) -> String {
        var out = """
        // Generated at build time by netns-exec-filter (Sources/Filter/netns-exec-filter)
        // with libseccomp \(libseccomp) on \(machine). Do not edit: the rules and
        // the reason for each are in JailFilter.swift.
        #define CL_JAIL_FILTER_FOR_\(machine) 1
        // The call numbers the filter knows, per ABI; every other number gets
        // ENOSYS (UnknownCalls.swift). Tests/Escape/10-abis.sh reads these lines.

        """
        for (abi, ranges) in known {
            out += "// known calls: \(abi) " + ranges.map { "\(hex($0.lowerBound, digits: 1))-\(hex($0.upperBound, digits: 1))" }.joined(separator: " ") + "\n"
        }
        for (name, program) in programs {
            out += "// \(program.instructions.count) instructions.\n"
            out += "static const struct sock_filter \(name)[] = {\n"
            for i in program.instructions {
                out += "    {\(hex(i.code, digits: 4)), \(i.jumpTrue), \(i.jumpFalse), \(hex(i.operand, digits: 8))},\n"
            }
            out += "};\n"
        }
        return out
    }

    static func hex<T: BinaryInteger>(_ value: T, digits: Int) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// The C header that CLinux.c includes: the program as a constant
/// `struct sock_filter` array, and a macro naming the machine it was made
/// on, which CLinux.c checks against the one it is compiled for.
enum FilterHeader {
    static func text(_ programs: [(name: String, program: BPFProgram)], machine: String, libseccomp: String) -> String {
        var out = """
        // Generated at build time by netns-exec-filter (Sources/netns-exec-filter)
        // with libseccomp \(libseccomp) on \(machine). Do not edit: the rules and
        // the reason for each are in JailFilter.swift.
        #define CL_JAIL_FILTER_FOR_\(machine) 1

        """
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

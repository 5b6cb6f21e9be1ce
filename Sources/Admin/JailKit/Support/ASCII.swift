/// Byte-wise ASCII tests and conversions for the parsers (config lines,
/// relay lines, /proc entries): nothing here folds or interprets Unicode.

@inline(__always)
func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }

@inline(__always)
func isPrintableASCII(_ b: UInt8) -> Bool { b >= 0x21 && b <= 0x7E }

func trim(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var slice = bytes
    while let f = slice.first, isBlank(f) { slice = slice.dropFirst() }
    while let l = slice.last, isBlank(l) { slice = slice.dropLast() }
    return slice
}

func string<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    String(decoding: Array(bytes), as: UTF8.self)
}

/// ASCII-only lowercasing: keys are compared byte-wise, never Unicode-folded.
func asciiLowercased(_ s: String) -> String {
    string(s.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 })
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }

/// A file mode as four octal digits (0755), as chmod(1) takes it.
func octal(_ mode: UInt32) -> String {
    let digits = String(mode, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

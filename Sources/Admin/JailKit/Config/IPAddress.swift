/// An IPv4 or IPv6 address, parsed strictly and printed canonically
/// (dotted quad; RFC 5952 for IPv6). Parsing is pure Swift over bytes so a
/// fuzzer can drive it and a NUL byte can never truncate a value the way it
/// would through `inet_pton`.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible, Comparable {
    public enum Family: String, Sendable, Codable { case ipv4, ipv6 }

    public let family: Family
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    public var bitLength: Int { family == .ipv4 ? 32 : 128 }

    public init?(_ text: String) {
        let b = Array(text.utf8)
        if let v4 = IPAddress.parseIPv4(b[...]) {
            family = .ipv4; bytes = v4
        } else if let v6 = IPAddress.parseIPv6(b[...]) {
            family = .ipv6; bytes = v6
        } else {
            return nil
        }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        if a.family != b.family { return a.family == .ipv4 }
        return a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    public var description: String {
        family == .ipv4 ? bytes.map(String.init).joined(separator: ".") : IPAddress.formatIPv6(bytes)
    }

    /// Four decimal octets, 0-255, no leading zeros (which some tools read as octal).
    static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(isDigit) else { return nil }
            if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard value <= 255 else { return nil }
            out.append(UInt8(value))
        }
        return out
    }

    static func parseIPv6(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        var head: [UInt16] = [], tail: [UInt16] = []
        var sawGap = false
        var rest = text
        if rest.starts(with: [0x3A, 0x3A]) {
            sawGap = true
            rest = rest.dropFirst(2)
            if rest.isEmpty { return [UInt8](repeating: 0, count: 16) }
        } else if rest.first == 0x3A {
            return nil
        }
        var groups: [ArraySlice<UInt8>] = []
        // Split on ':'; an empty group marks the one permitted '::'.
        for piece in rest.split(separator: 0x3A, omittingEmptySubsequences: false) { groups.append(piece) }
        var index = 0
        while index < groups.count {
            let g = groups[index]
            if g.isEmpty {
                // '::' in the middle, or a trailing '::'.
                guard !sawGap else { return nil }
                sawGap = true
                if index == groups.count - 2 && groups[index + 1].isEmpty { index += 2; continue }
                guard index != groups.count - 1 else { return nil }
                index += 1
                continue
            }
            var words: [UInt16]
            if g.contains(UInt8(ascii: ".")) {
                // An embedded IPv4 address must be the last group.
                guard index == groups.count - 1, let v4 = parseIPv4(g) else { return nil }
                words = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
            } else {
                guard g.count <= 4, let w = hexValue(g) else { return nil }
                words = [w]
            }
            if sawGap { tail += words } else { head += words }
            index += 1
        }
        let total = head.count + tail.count
        if sawGap { guard total <= 7 else { return nil } } else { guard total == 8 else { return nil } }
        let all = head + [UInt16](repeating: 0, count: 8 - total) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static func hexValue(_ g: ArraySlice<UInt8>) -> UInt16? {
        var v: UInt16 = 0
        for c in g {
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x61 + 10
            case 0x41...0x46: d = c - 0x41 + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }

    /// RFC 5952: lowercase, no leading zeros, the longest run (of at least
    /// two) of zero groups shortened to `::`, the first such run on a tie.
    static func formatIPv6(_ b: [UInt8]) -> String {
        let words = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if words[i] == 0 {
                var j = i
                while j < 8 && words[j] == 0 { j += 1 }
                if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(words[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

/// An address with a prefix length, as in `Address = 10.2.0.2/32` or
/// `AllowedIPs = ::/0`. Without a `/`, the prefix is the full length.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let length: Int

    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(string(parts[0])) else { return nil }
        var length = address.bitLength
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(isDigit),
                  !(digits.count > 1 && digits.first == UInt8(ascii: "0"))
            else { return nil }
            length = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard length <= address.bitLength else { return nil }
        }
        self.address = address
        self.length = length
    }

    public var description: String { "\(address)/\(length)" }
}

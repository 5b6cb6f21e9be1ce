import NetnsPolicy

/// Validators for single wg-quick values. Each returns nil on success or a
/// message that says what a valid value looks like.
enum WireGuardValue {
    /// A Curve25519 key in base64: 32 bytes are 43 characters and one `=`,
    /// and the last character carries only 4 bits, so it is one of `AEIMQUYcgkosw048`.
    static func key(_ value: String) -> String? {
        let b = Array(value.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let lastAllowed = Array("AEIMQUYcgkosw048".utf8)
        guard b.count == 44, b[43] == UInt8(ascii: "="),
              b[0..<43].allSatisfy({ alphabet.contains($0) }), lastAllowed.contains(b[42])
        else { return "a key is 44 characters of base64 ending in '=' (as printed by 'wg genkey')" }
        return nil
    }

    static func integer(_ value: String, in range: ClosedRange<Int>) -> Int? {
        let b = value.utf8
        guard !b.isEmpty, b.count <= 10, b.allSatisfy(isDigit) else { return nil }
        let n = b.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return range.contains(n) ? n : nil
    }

    /// `off`, a decimal or a 0x-prefixed hexadecimal 32-bit mark.
    static func fwMark(_ value: String) -> String? {
        let lower = asciiLowercased(value)
        if lower == "off" { return lower }
        if lower.hasPrefix("0x") {
            let digits = lower.utf8.dropFirst(2)
            guard !digits.isEmpty, digits.count <= 8,
                  digits.allSatisfy({ isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) })
            else { return nil }
            return lower
        }
        return integer(value, in: 0...Int(UInt32.max)).map(String.init)
    }

    /// `host:port` or `[ipv6]:port`; host names are resolved later by `wg`.
    static func endpoint(_ value: String) -> String? {
        let b = Array(value.utf8)
        let host: ArraySlice<UInt8>, port: ArraySlice<UInt8>
        if b.first == UInt8(ascii: "[") {
            guard let close = b.firstIndex(of: UInt8(ascii: "]")), close + 1 < b.count,
                  b[close + 1] == UInt8(ascii: ":"),
                  IPAddress.parseIPv6(b[1..<close]) != nil
            else { return "an IPv6 endpoint looks like [2001:db8::1]:51820" }
            host = b[1..<close]; port = b[(close + 2)...]
        } else {
            guard let colon = b.lastIndex(of: UInt8(ascii: ":")), colon > 0 else {
                return "an endpoint is host:port, for example 198.51.100.7:51820"
            }
            host = b[..<colon]; port = b[(colon + 1)...]
            let hostOK = host.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
            guard hostOK, host.count <= 253 else {
                return "an endpoint host is an IPv4 address or a DNS name; put IPv6 in brackets: [2001:db8::1]:51820"
            }
        }
        guard integer(string(port), in: 1...65535) != nil else {
            return "the endpoint port must be 1 to 65535"
        }
        return nil
    }

    /// A DNS search domain: labels of letters, digits, `-` and `_`, an
    /// optional final dot. Something that only looks like a broken address
    /// (digits and dots, or a colon) is not taken for a domain.
    static func isSearchDomain(_ value: String) -> Bool {
        let b = value.utf8
        guard !b.isEmpty, b.count <= 253 else { return false }
        if b.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) { return false }
        var labels = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        }
    }
}

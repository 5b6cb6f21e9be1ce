import Testing
@testable import JailKit

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.2.0.1", "10.2.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("FD00:0:0:0:0:0:0:1", "fd00::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::", "2001:db8::"), ("::ffff:192.0.2.1", "::ffff:c000:201"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
    ])
    func acceptsAndCanonicalises(input: String, canonical: String) {
        #expect(IPAddress(input)?.description == canonical)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", " 1.2.3.4", "1.2.3.4\u{0}",
        ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
        "fe80::1%eth0", "::1.2.3", "1.2.3.4::", ":1::2", "1:2:3:4:5:6:7:8::", "１.2.3.4",
    ])
    func rejects(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func prefixes() {
        #expect(IPPrefix("10.0.0.2")?.description == "10.0.0.2/32")
        #expect(IPPrefix("fd00::2")?.description == "fd00::2/128")
        #expect(IPPrefix("0.0.0.0/0")?.description == "0.0.0.0/0")
        #expect(IPPrefix("10.0.0.0/33") == nil)
        #expect(IPPrefix("::/129") == nil)
        #expect(IPPrefix("10.0.0.0/") == nil)
        #expect(IPPrefix("10.0.0.0/08") == nil)
        #expect(IPPrefix("10.0.0.0/8/8") == nil)
        #expect(IPPrefix("10.0.0.0/-1") == nil)
    }
}

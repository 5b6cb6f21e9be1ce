import Testing
@testable import NetnsPolicy

@Suite("A folder shared into the jail's home")
struct SharedFolderTests {
    @Test("a path inside the home, as components joined by one slash")
    func inside() {
        #expect(SharedFolder.normalized("Downloads") == "Downloads")
        #expect(SharedFolder.normalized("Projects//shared/") == "Projects/shared")
        #expect(SharedFolder.normalized(".thunderbird") == ".thunderbird")     // the user's choice
        #expect(SharedFolder.normalized("x/.netns-exec") == "x/.netns-exec")   // only the store itself is kept out
    }

    @Test("never the home, outside it, or the jail's store", arguments: [
        "", "/", "/etc", "..", "a/../b", "./a", "a/.", ".netns-exec", ".netns-exec/vpn/home", "//.netns-exec",
    ])
    func refused(_ path: String) {
        #expect(SharedFolder.normalized(path) == nil)
    }

    @Test("names and paths longer than Linux allows are refused")
    func lengths() {
        #expect(SharedFolder.normalized(String(repeating: "a", count: 255)) != nil)
        #expect(SharedFolder.normalized(String(repeating: "a", count: 256)) == nil)
        #expect(SharedFolder.normalized(Array(repeating: "abc", count: 1100).joined(separator: "/")) == nil)
    }
}

import Testing
@testable import NetnsHost

@Suite("Hand-off matching")
struct HandOffMatchTests {
    @Test("a command with a slash is the one candidate")
    func slash() {
        #expect(HandOffMatch.candidates(for: "./firefox", path: "/usr/bin") == ["./firefox"])
        #expect(HandOffMatch.candidates(for: "/usr/bin/qbittorrent", path: nil) == ["/usr/bin/qbittorrent"])
    }

    @Test("PATH is searched in order, an empty entry is the current directory")
    func pathOrder() {
        #expect(HandOffMatch.candidates(for: "chromium", path: "/opt/bin::/usr/bin:")
                == ["/opt/bin/chromium", "./chromium", "/usr/bin/chromium", "./chromium"])
    }

    @Test("no PATH: glibc's default, as execvpe")
    func defaultPath() {
        #expect(HandOffMatch.candidates(for: "sh", path: nil) == ["/bin/sh", "/usr/bin/sh"])
    }

    @Test func baseNames() {
        #expect(HandOffMatch.baseName("/usr/bin/chromium") == "chromium")
        #expect(HandOffMatch.baseName("chromium") == "chromium")
        #expect(HandOffMatch.baseName("/usr/bin/") == "")
    }

    @Test("a script is `#!`; its process name is the base name cut to 15 bytes")
    func scripts() {
        #expect(HandOffMatch.isScript(start: Array("#!".utf8)))
        #expect(!HandOffMatch.isScript(start: Array("\u{7F}E".utf8)))
        #expect(!HandOffMatch.isScript(start: Array("#".utf8)))
        #expect(HandOffMatch.comm(ofScript: "/usr/bin/chromium") == Array("chromium".utf8))
        #expect(HandOffMatch.comm(ofScript: "org.qbittorrent.qBittorrent")
                == Array("org.qbittorrent".utf8))
        #expect(HandOffMatch.comm(read: Array("chromium\n".utf8)) == Array("chromium".utf8))
        #expect(HandOffMatch.comm(read: Array("chromium".utf8)) == Array("chromium".utf8))
    }

    @Test("only /proc entries of digits are processes")
    func processIDs() {
        #expect(HandOffMatch.processID(Array("1234".utf8) + [0, 55, 55]) == 1234)
        #expect(HandOffMatch.processID(Array("1".utf8)) == 1)
        #expect(HandOffMatch.processID(Array("self".utf8) + [0]) == nil)
        #expect(HandOffMatch.processID([0, 49]) == nil)
        #expect(HandOffMatch.processID(Array("12a".utf8)) == nil)
        #expect(HandOffMatch.processID(Array("999999999".utf8)) == 999_999_999)
        #expect(HandOffMatch.processID(Array("1234567890".utf8)) == nil)   // would overflow a pid
    }

    @Test("a descriptor link names a socket only as socket:[…]")
    func sockets() {
        #expect(HandOffMatch.isSocket(linkText: Array("socket:[4242]".utf8)))
        #expect(!HandOffMatch.isSocket(linkText: Array("/run/user/1000/socket:x".utf8)))
        #expect(!HandOffMatch.isSocket(linkText: Array("pipe:[1]".utf8)))
        #expect(!HandOffMatch.isSocket(linkText: Array("socket".utf8)))
    }
}

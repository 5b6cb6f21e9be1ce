import Testing
@testable import NetnsHost

@Suite("Mount table lines")
struct MountInfoTests {
    @Test("fields, with optional fields before the dash")
    func parse() throws {
        let line = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue"
        let mount = try #require(MountInfo(line: Array(line.utf8)))
        #expect(mount.id == 36)
        #expect(mount.device == Array("98:0".utf8))
        #expect(mount.root == Array("/mnt1".utf8))
        #expect(mount.point == Array("/mnt2".utf8))
        #expect(mount.type == Array("ext3".utf8))
    }

    @Test("octal escapes in paths are undone, as bytes")
    func escapes() throws {
        let line = #"7 1 0:5 / /a\040b\134c\012\377 rw - tmpfs t rw"#
        let mount = try #require(MountInfo(line: Array(line.utf8)))
        #expect(mount.point == Array("/a b\\c\n".utf8) + [0xFF])
    }

    @Test("a line it cannot read is nil (the launcher refuses then)",
          arguments: ["", "1 2 0:5 / /x rw", "x 1 0:5 / /x rw - tmpfs t rw",
                      #"1 2 0:5 / /a\04 rw - tmpfs t rw"#, #"1 2 0:5 / /a\400 rw - tmpfs t rw"#,
                      #"1 2 0:5 / /a\08x rw - tmpfs t rw"#, "1 2 0:5 / /x rw a b -",
                      "1234567890123456789 2 0:5 / /x rw - tmpfs t rw"])
    func refused(_ line: String) {
        #expect(MountInfo(line: Array(line.utf8)) == nil)
    }
}

@Suite("Paths as bytes")
struct PathBytesTests {
    let b = { (s: String) in Array(s.utf8) }

    @Test func within() {
        #expect(PathBytes.isWithin(b("/run"), b("/run")))
        #expect(PathBytes.isWithin(b("/run/user"), b("/run")))
        #expect(!PathBytes.isWithin(b("/runner"), b("/run")))
        #expect(!PathBytes.isWithin(b("/ru"), b("/run")))
        #expect(PathBytes.isWithin(b("/anything"), b("/")))
        #expect(!PathBytes.isWithin(b("relative"), b("/")))
    }

    @Test func relativeAndJoined() {
        #expect(PathBytes.relative(b("/run/user/1"), to: b("/run")) == b("user/1"))
        #expect(PathBytes.relative(b("/run"), to: b("/run")) == [])
        #expect(PathBytes.relative(b("/proc/1"), to: b("/")) == b("proc/1"))
        #expect(PathBytes.joined(b("/sys"), b("class/net")) == b("/sys/class/net"))
        #expect(PathBytes.joined(b("/"), b("proc")) == b("/proc"))
        #expect(PathBytes.joined(b("/run"), []) == b("/run"))
    }
}

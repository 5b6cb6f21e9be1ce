import FoundationEssentials
import Glibc
import Testing
@testable import JailKit

/// `netns-jail settings` on real files in a scratch home: sockets, FIFOs,
/// links and locks made with the real calls. Each "left" check has its
/// control: the same file under an ordinary name is copied.
@Suite("Copying a program's settings into a jail (netns-jail settings)")
struct SettingsCopyTests {
    /// A scratch home, removed at the end.
    final class Home {
        let path: String
        init() {
            var template = Array("/tmp/netns-settings-test.XXXXXX".utf8CString)
            path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        }
        deinit { SettingsCopy.removeTree(AT_FDCWD, path) }

        func file(_ relative: String, _ text: String = "x") {
            let url = URL(fileURLWithPath: path + "/" + relative)
            try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! Data(text.utf8).write(to: url)
        }
        func dir(_ relative: String) {
            try! FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
        }
        func link(_ relative: String, to target: String) {
            #expect(symlink(target, path + "/" + relative) == 0)
        }
        func fifo(_ relative: String) { #expect(mkfifo(path + "/" + relative, 0o600) == 0) }
        /// A listening Unix socket, as qBittorrent's ipc-socket is.
        func socket(_ relative: String) {
            let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array((path + "/" + relative).utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            close(fd)
        }
        func exists(_ relative: String) -> Bool {
            var st = stat()
            return lstat(path + "/" + relative, &st) == 0
        }
        func read(_ relative: String) -> String? {
            FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    func copy(_ program: String, in home: Home, replace: Bool = false) throws(JailError) -> SettingsCopy.Report {
        try SettingsCopy(target: SettingsTarget.named(program)!, jail: "vpn", home: home.path,
                         uid: getuid(), replace: replace, stamp: "STAMP").run()
    }

    @Test func storeFollowsTheJailsLayout() {
        #expect(JailStore.place(of: ".config/qBittorrent", jail: "vpn") == .jail(".netns-exec/vpn/home/.config/qBittorrent"))
        #expect(JailStore.place(of: ".mozilla/firefox", jail: "vpn") == .jail(".netns-exec/vpn/home/.mozilla/firefox"))
        #expect(JailStore.place(of: ".local/share/fonts", jail: "vpn") == .jail(".netns-exec/vpn/home/.local/share/fonts"))
        #expect(JailStore.place(of: ".configuration", jail: "vpn") == .jail(".netns-exec/vpn/home/.configuration"))
        #expect(JailStore.place(of: "Downloads/x", jail: "vpn") == .shared)
    }

    @Test func qbittorrentKeepsItsChoicesAndLeavesItsSocketAndLock() throws {
        let home = Home()
        home.file(".config/qBittorrent/qBittorrent.conf", "[BitTorrent]\nSession\\DHTEnabled=false\n")
        home.file(".config/qBittorrent/lockfile")
        home.file(".config/qBittorrent/qBittorrent.conf.lock")
        home.file(".config/qBittorrent/rss/feeds.json", "{}")
        home.socket(".config/qBittorrent/ipc-socket-other-name")
        home.file(".local/share/qBittorrent/BT_backup/x.fastresume")
        let report = try copy("qbittorrent", in: home)
        let jail = ".netns-exec/vpn/home/.config/qBittorrent"
        #expect(home.read(jail + "/qBittorrent.conf")?.contains("DHTEnabled=false") == true)
        #expect(home.exists(jail + "/rss/feeds.json"))
        #expect(!home.exists(jail + "/lockfile"))
        #expect(!home.exists(jail + "/qBittorrent.conf.lock"))
        #expect(!home.exists(jail + "/ipc-socket-other-name"))
        #expect(!home.exists(".netns-exec/vpn/home/.local/share/qBittorrent"))
        let left = Dictionary(report.left.map { ($0.path, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(left[".config/qBittorrent/lockfile"] == .lock)
        #expect(left[".config/qBittorrent/ipc-socket-other-name"] == .socket)
        #expect(report.notCopied.map(\.path) == [".local/share/qBittorrent"])
        #expect(report.copied.map(\.files) == [2])
    }

    @Test func firefoxLeavesLoginsCookiesSyncAndSession() throws {
        let home = Home()
        let profile = ".mozilla/firefox/abc.default-esr"
        home.file(".mozilla/firefox/profiles.ini", "[Profile0]\nPath=abc.default-esr\n")
        home.file(profile + "/prefs.js", """
            user_pref("network.trr.mode", 5);
            user_pref("services.sync.username", "me@example.com");
            user_pref("identity.fxaccounts.account.device.name", "laptop");
            """)
        home.file(profile + "/user.js", "user_pref(\"media.peerconnection.enabled\", false);\n")
        for name in ["logins.json", "key4.db", "signedInUser.json", "cookies.sqlite", "cookies.sqlite-wal",
                     "sessionstore.jsonlz4", ".parentlock", "places.sqlite", "extensions.json"] {
            home.file(profile + "/" + name)
        }
        home.file(profile + "/sessionstore-backups/recovery.jsonlz4")
        home.link(profile + "/lock", to: "192.0.2.1:+1234")
        home.fifo(profile + "/a-fifo")
        let report = try copy("firefox", in: home)
        let jail = ".netns-exec/vpn/home/.mozilla/firefox/abc.default-esr"
        #expect(home.exists(".netns-exec/vpn/home/.mozilla/firefox/profiles.ini"))
        let prefs = home.read(jail + "/prefs.js") ?? ""
        #expect(prefs.contains("network.trr.mode"))
        #expect(!prefs.contains("services.sync") && !prefs.contains("fxaccounts"))
        #expect(home.read(jail + "/user.js")?.contains("peerconnection") == true)
        #expect(home.exists(jail + "/places.sqlite") && home.exists(jail + "/extensions.json"))
        for gone in ["logins.json", "key4.db", "signedInUser.json", "cookies.sqlite", "cookies.sqlite-wal",
                     "sessionstore.jsonlz4", "sessionstore-backups", ".parentlock", "lock", "a-fifo"] {
            #expect(!home.exists(jail + "/" + gone), "\(gone) was copied")
        }
        #expect(report.filtered.map(\.removed) == [2])
        // The source is untouched.
        #expect(home.read(profile + "/prefs.js")?.contains("services.sync") == true)
    }

    @Test func chromiumPreferencesLoseTheAccount() throws {
        let home = Home()
        home.file(".config/chromium/Default/Preferences",
                  #"{"account_info":[{"email":"me@example.com"}],"browser":{"show_home_button":true},"sync":{"x":1},"google":{"services":{}}}"#)
        home.file(".config/chromium/Local State", "{}")
        home.file(".config/chromium/Default/Login Data")
        home.file(".config/chromium/Default/Cookies")
        home.file(".config/chromium/Default/Bookmarks", "{}")
        home.link(".config/chromium/SingletonLock", to: "host-1234")
        _ = try copy("chromium", in: home)
        let jail = ".netns-exec/vpn/home/.config/chromium"
        let prefs = home.read(jail + "/Default/Preferences") ?? ""
        #expect(prefs.contains("show_home_button"))
        #expect(!prefs.contains("example.com") && !prefs.contains("\"sync\"") && !prefs.contains("google"))
        #expect(home.exists(jail + "/Default/Bookmarks"))
        for gone in ["Local State", "Default/Login Data", "Default/Cookies", "SingletonLock"] {
            #expect(!home.exists(jail + "/" + gone), "\(gone) was copied")
        }
    }

    @Test func linksOutOfTheSourceAreNotFollowed() throws {
        let home = Home()
        home.file(".ssh/id_ed25519", "secret")
        home.file(".config/transmission/settings.json", "{}")
        home.link(".config/transmission/key", to: "../../.ssh/id_ed25519")
        home.link(".config/transmission/abs", to: home.path + "/.ssh")
        home.link(".config/transmission/inside", to: "settings.json")
        home.dir(".config/transmission/blocklists")
        home.link(".config/transmission/blocklists/up", to: "../settings.json")
        home.link(".config/transmission/blocklists/climb", to: "x/../../..")
        home.file(".config/transmission/resume/a.resume")
        let report = try copy("transmission", in: home)
        let jail = ".netns-exec/vpn/home/.config/transmission"
        #expect(!home.exists(jail + "/key") && !home.exists(jail + "/abs") && !home.exists(jail + "/blocklists/climb"))
        #expect(home.read(jail + "/inside") == "{}")      // the control: a link inside is copied
        #expect(home.read(jail + "/blocklists/up") == "{}")
        #expect(!home.exists(jail + "/resume"))
        #expect(report.left.filter { $0.reason == .link }.count == 3)
    }

    @Test func aRootThatIsALinkIsNotFollowed() throws {
        let home = Home()
        home.file("elsewhere/ktorrentrc", "[x]\n")
        home.dir(".config")
        home.link(".config/ktorrentrc", to: home.path + "/elsewhere/ktorrentrc")
        #expect(throws: JailError.self) { try copy("ktorrent", in: home) }
        #expect(!home.exists(".netns-exec/vpn/home/.config/ktorrentrc"))
    }

    @Test func anExistingJailedProfileNeedsReplaceAndIsKept() throws {
        let home = Home()
        home.file(".config/deluge/core.conf", "new")
        home.file(".config/deluge/auth", "localclient:secret:10")
        home.file(".netns-exec/vpn/home/.config/deluge/core.conf", "old")
        do {
            _ = try copy("deluge", in: home)
            Issue.record("an existing jailed profile was replaced without --replace")
        } catch {
            #expect(error.exitStatus == ExitStatus.usage)
            #expect(error.message.contains("--replace"))
        }
        #expect(home.read(".netns-exec/vpn/home/.config/deluge/core.conf") == "old")
        let report = try copy("deluge", in: home, replace: true)
        #expect(home.read(".netns-exec/vpn/home/.config/deluge/core.conf") == "new")
        #expect(home.read(".netns-exec/vpn/home/.config/deluge.before-copy-STAMP/core.conf") == "old")
        #expect(!home.exists(".netns-exec/vpn/home/.config/deluge/auth"))
        #expect(report.backups == [".netns-exec/vpn/home/.config/deluge.before-copy-STAMP"])
    }

    @Test func aFailedCopyLeavesNothing() throws {
        let home = Home()
        home.file(".config/deluge/core.conf", "new")
        home.file(".netns-exec/vpn/home/.config/deluge/core.conf", "old")
        // Deeper than any profile: the copy stops there, part-way through.
        home.dir(".config/deluge/" + Array(repeating: "d", count: ProfileTree.maxDepth + 2).joined(separator: "/"))
        #expect(throws: JailError.self) { try copy("deluge", in: home, replace: true) }
        #expect(home.read(".netns-exec/vpn/home/.config/deluge/core.conf") == "old")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: home.path + "/.netns-exec/vpn/home/.config")) ?? []
        #expect(leftovers == ["deluge"])
        // The control: without the deep tree the same copy goes through.
        SettingsCopy.removeTree(AT_FDCWD, home.path + "/.config/deluge/d")
        _ = try copy("deluge", in: home, replace: true)
        #expect(home.read(".netns-exec/vpn/home/.config/deluge/core.conf") == "new")
    }

    @Test func nothingToCopySaysWhereItLooked() {
        let home = Home()
        do {
            _ = try copy("qbittorrent", in: home)
            Issue.record("an empty home was copied")
        } catch {
            #expect(error.message.contains("~/.config/qBittorrent"))
        }
    }

    @Test func linkTargetsThatClimbOutAreRefused() {
        #expect(ProfileTree.staysInside("a/b", depth: 0))
        #expect(ProfileTree.staysInside("../a", depth: 1))
        #expect(!ProfileTree.staysInside("../a", depth: 0))
        #expect(!ProfileTree.staysInside("a/../b", depth: 2))
        #expect(!ProfileTree.staysInside("/etc/passwd", depth: 3))
        #expect(!ProfileTree.staysInside("", depth: 0))
    }

    @Test func programsAreFoundByTheirCommandsToo() {
        #expect(SettingsTarget.named("firefox-esr")?.name == "firefox")
        #expect(SettingsTarget.named("transmission-gtk")?.name == "transmission")
        #expect(SettingsTarget.named("deluge-gtk")?.name == "deluge")
        #expect(SettingsTarget.named("QBittorrent")?.name == "qbittorrent")
        #expect(SettingsTarget.named("bash") == nil)
    }

    @Test func lockAndCacheNamesMatchWholeComponents() {
        #expect(LeftBehind.reason(for: "places.sqlite", rules: []) == nil)
        #expect(LeftBehind.reason(for: ".lock", rules: []) == .lock)
        #expect(LeftBehind.reason(for: "x.lock", rules: []) == .lock)
        #expect(LeftBehind.reason(for: "SingletonCookie", rules: []) == .lock)
        #expect(LeftBehind.reason(for: "lockfile.txt", rules: []) == nil)
        #expect(LeftBehind.reason(for: "cache2", rules: []) == .cache)
    }
}

extension SettingsCopyTests {
    @Test func aKilledRunsLeftoverIsRemovedAndALiveOnesIsNot() throws {
        let home = Home()
        home.file(".config/deluge/core.conf", "new")
        // PID 1 is alive; a PID above the kernel's maximum never is.
        home.file(".netns-exec/vpn/home/.config/.deluge.netns-settings-99999999/core.conf", "half")
        home.file(".netns-exec/vpn/home/.config/.deluge.netns-settings-1/core.conf", "running")
        _ = try copy("deluge", in: home)
        #expect(!home.exists(".netns-exec/vpn/home/.config/.deluge.netns-settings-99999999"))
        #expect(home.exists(".netns-exec/vpn/home/.config/.deluge.netns-settings-1"))
    }
}

extension SettingsCopyTests {
    /// A running program is found by its name among the caller's
    /// processes; once it has exited, even unreaped, it is not.
    @Test func aRunningProgramIsFoundAndAZombieIsNot() throws {
        let home = Home()
        let program = home.path + "/nxst-prog"
        #expect(FileManager.default.createFile(atPath: program, contents: FileManager.default.contents(atPath: "/bin/sleep")))
        chmod(program, 0o755)
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup(program), strdup("5"), nil]
        defer { for p in argv { free(p) } }
        #expect(posix_spawn(&pid, program, nil, nil, &argv, nil) == 0)
        // Its name is the program's once its execve is done.
        var found: Int32?
        for _ in 0..<100 where found == nil {
            found = RunningProgram.find(["nxst-prog"])?.pid
            if found == nil { usleep(20_000) }
        }
        #expect(found == pid)
        kill(pid, SIGKILL)
        var gone = false
        for _ in 0..<100 where !gone {
            gone = RunningProgram.find(["nxst-prog"]) == nil
            if !gone { usleep(20_000) }
        }
        #expect(gone, "a killed, unreaped process still counts as running")
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(RunningProgram.find(["nxst-prog"]) == nil)
    }
}

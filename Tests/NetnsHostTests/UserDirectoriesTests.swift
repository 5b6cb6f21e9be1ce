import Testing
@testable import NetnsHost

@Suite("The XDG user directories the jail's home shows")
struct UserDirectoriesTests {
    private func folders(_ text: String?, home: String = "/home/a") -> [String: UserDirectories.Folder] {
        var result: [String: UserDirectories.Folder] = [:]
        for (key, folder) in UserDirectories.folders(in: text.map { Array($0.utf8) }, home: home) { result[key] = folder }
        return result
    }

    @Test("no file: the eight default names")
    func defaults() {
        let found = UserDirectories.folders(in: nil, home: "/home/a")
        #expect(found.map(\.folder) == UserDirectories.defaultNames.map { .inHome($0) })
        #expect(UserDirectories.defaultNames == ["Desktop", "Documents", "Downloads", "Music", "Pictures",
                                                 "Public", "Templates", "Videos"])
    }

    @Test("the file as xdg-user-dirs writes it: $HOME/X and the home's path; the rest keep their defaults")
    func fileNames() {
        let text = """
        # This file is written by xdg-user-dirs-update
        XDG_DOWNLOAD_DIR="$HOME/Téléchargements"
        XDG_MUSIC_DIR="/home/a/Media/Music"
        XDG_DESKTOP_DIR="$HOME"
        XDG_VIDEOS_DIR="/srv/videos"

        """
        let found = folders(text)
        #expect(found["XDG_DOWNLOAD_DIR"] == .inHome("Téléchargements"))
        #expect(found["XDG_MUSIC_DIR"] == .inHome("Media/Music"))
        #expect(found["XDG_DESKTOP_DIR"] == .off)
        #expect(found["XDG_VIDEOS_DIR"] == .outside("/srv/videos"))
        #expect(found["XDG_DOCUMENTS_DIR"] == .inHome("Documents"))
        #expect(found.count == 8)
    }

    @Test("shell syntax that is not a plain quoted value is skipped, not interpreted", arguments: [
        #"XDG_DOWNLOAD_DIR="$HOME/a\"b""#, #"XDG_DOWNLOAD_DIR=$HOME/x"#, #"XDG_DOWNLOAD_DIR="$HOME/x"#,
        #"XDG_DOWNLOAD_DIR="$HOME/a"b""#, #"  XDG_DOWNLOAD_DIR="$HOME/x""#, #"#XDG_DOWNLOAD_DIR="$HOME/x""#,
    ])
    func skipped(_ line: String) {
        #expect(folders(line)["XDG_DOWNLOAD_DIR"] == .inHome("Downloads"))
    }

    @Test("a key that is not XDG_*_DIR is not a user directory")
    func otherKeys() {
        #expect(UserDirectories.entries(in: Array("PATH=\"/bin\"\nXDG_X_DIRS=\"$HOME/y\"\n".utf8)).isEmpty)
        // An unknown XDG_*_DIR is a folder too (a newer xdg-user-dirs may add one).
        #expect(folders("XDG_GAMES_DIR=\"$HOME/Games\"")["XDG_GAMES_DIR"] == .inHome("Games"))
    }

    @Test("$HOME/.. is handed on as written: SharedFolder's rule then refuses it")
    func dotsHandedOn() {
        #expect(folders("XDG_DOWNLOAD_DIR=\"$HOME/../b\"")["XDG_DOWNLOAD_DIR"] == .inHome("../b"))
    }

    @Test("the jail's own file names what was shared, and what is off; nothing outside the home")
    func jailFile() {
        let text = UserDirectories.jailFile([
            ("XDG_DOWNLOAD_DIR", .inHome("Téléchargements")), ("XDG_DESKTOP_DIR", .off),
            ("XDG_VIDEOS_DIR", .outside("/srv/videos")), ("XDG_MUSIC_DIR", .inHome("Media/Music")),
        ])
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == [#"XDG_DOWNLOAD_DIR="$HOME/Téléchargements""#, #"XDG_DESKTOP_DIR="$HOME""#,
                          #"XDG_MUSIC_DIR="$HOME/Media/Music""#])
        // What the launcher writes, the launcher's reader reads back the same.
        let back = UserDirectories.folders(in: Array(text.utf8), home: "/home/a")
        #expect(back.first { $0.key == "XDG_DOWNLOAD_DIR" }?.folder == .inHome("Téléchargements"))
        #expect(back.first { $0.key == "XDG_DESKTOP_DIR" }?.folder == .off)
    }

    @Test("a folder name the file cannot carry plainly is left out", arguments: ["a\"b", "a\\b", "$x", "a`b", "a\nb"])
    func jailFileLeavesOut(_ name: String) {
        let text = UserDirectories.jailFile([("XDG_DOWNLOAD_DIR", .inHome(name))])
        #expect(!text.contains("XDG_DOWNLOAD_DIR"))
    }
}

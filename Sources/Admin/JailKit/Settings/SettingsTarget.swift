/// A program whose settings `netns-jail settings` can copy into a jail:
/// where they live, what in them is left behind, and how to tell that the
/// program runs.
///
/// Allow-lists of places, not lists of leaks: only the roots named here
/// are read, each walked whole, and within them the rules leave out what
/// ties the copy to a running process (locks, sockets, session state) or to
/// an identity (logins, cookies, sync accounts: a cookie sent from the
/// jail links the account to the VPN's address and back to the real one).
public struct SettingsTarget: Sendable {
    /// What the user types: `qbittorrent`.
    public let name: String
    public let title: String
    /// /proc/PID/comm of the program's main process, at most 15 bytes as
    /// the kernel cuts it (`transmission-gtk` is `transmission-gt`).
    public let processNames: [String]
    /// Home-relative roots copied, each a directory or a file.
    public let roots: [String]
    /// Home-relative places of the program's not copied at all, and why.
    public let notCopied: [(path: String, why: String)]
    /// Names left behind inside the roots (before the common rules).
    public let rules: [LeaveRule]
    /// Files copied with lines or keys taken out, by file name.
    public let filters: [String: ContentFilter]

    /// By its name, or by the name of its program (`firefox-esr`,
    /// `transmission-gtk`, `deluge-gtk`), which is what netns-exec's
    /// first-launch notice knows.
    public static func named(_ name: String) -> SettingsTarget? {
        let name = name.lowercased()
        return all.first { $0.name == name } ?? all.first { target in
            target.processNames.contains(name) || target.aliases.contains(name)
        }
    }

    /// Program names longer than a process name (15 bytes) keeps.
    var aliases: [String] {
        switch name {
        case "transmission": return ["transmission-gtk", "transmission-qt", "transmission-daemon"]
        case "chromium": return ["chromium-browser"]
        default: return []
        }
    }

    public static let names: String = all.map(\.name).joined(separator: ", ")

    public static let all: [SettingsTarget] = [
        SettingsTarget(
            name: "qbittorrent", title: "qBittorrent", processNames: ["qbittorrent", "qbittorrent-nox"],
            roots: [".config/qBittorrent"],
            notCopied: [(".local/share/qBittorrent", "its torrents, resume data and logs (running state)")],
            rules: [LeaveRule(.exact("ipc-socket"), .socket)],
            filters: [:]),
        SettingsTarget(
            name: "firefox", title: "Firefox", processNames: ["firefox", "firefox-esr", "firefox-bin"],
            // Firefox 153 keeps new profiles in ~/.config/mozilla, older
            // ones in ~/.mozilla; whichever there are.
            roots: [".mozilla/firefox", ".config/mozilla/firefox"],
            notCopied: [(".cache/mozilla", "its cache")],
            rules: mozillaRules, filters: ["prefs.js": .mozillaPrefs]),
        SettingsTarget(
            name: "thunderbird", title: "Thunderbird", processNames: ["thunderbird", "thunderbird-bin"],
            roots: [".thunderbird"],
            notCopied: [(".cache/thunderbird", "its cache")],
            rules: mozillaRules + [LeaveRule(.exact("ImapMail"), .cache), LeaveRule(.exact("News"), .cache)],
            filters: ["prefs.js": .mozillaPrefs]),
        SettingsTarget(
            name: "chromium", title: "Chromium", processNames: ["chromium", "chromium-browse", "chrome"],
            roots: [".config/chromium"],
            notCopied: [(".cache/chromium", "its cache")],
            rules: chromiumRules, filters: ["Preferences": .chromiumPreferences]),
        SettingsTarget(
            name: "transmission", title: "Transmission",
            processNames: ["transmission-gt", "transmission-qt", "transmission-da"],
            roots: [".config/transmission"],
            notCopied: [],
            rules: [LeaveRule(.exact("resume"), .running), LeaveRule(.exact("torrents"), .running),
                    LeaveRule(.exact("dht.dat"), .running), LeaveRule(.exact("stats.json"), .running)],
            filters: [:]),
        SettingsTarget(
            name: "deluge", title: "Deluge", processNames: ["deluge", "deluge-gtk", "deluged"],
            roots: [".config/deluge"],
            notCopied: [],
            rules: [LeaveRule(.exact("state"), .running), LeaveRule(.exact("session.state"), .running),
                    LeaveRule(.suffix(".state"), .running), LeaveRule(.exact("ipc"), .socket),
                    LeaveRule(.exact("auth"), .account), LeaveRule(.exact("hostlist.conf"), .account),
                    LeaveRule(.exact("hostlist.conf.1.2"), .account)],
            filters: [:]),
        SettingsTarget(
            name: "ktorrent", title: "KTorrent", processNames: ["ktorrent"],
            roots: [".config/ktorrentrc"],
            notCopied: [(".local/share/ktorrent", "its torrents and DHT table (running state)")],
            rules: [], filters: [:]),
        SettingsTarget(
            name: "look", title: "the desktop's look (GTK, Qt and KDE themes, fonts, language)",
            processNames: [],
            roots: [".config/gtk-3.0/settings.ini", ".config/gtk-4.0/settings.ini", ".gtkrc-2.0",
                    ".config/gtkrc-2.0", ".config/Trolltech.conf", ".config/qt5ct", ".config/qt6ct",
                    ".config/kdeglobals", ".config/kcminputrc", ".config/plasma-localerc",
                    ".config/fontconfig", ".local/share/fonts", ".fonts", ".fonts.conf",
                    ".local/share/themes", ".themes", ".local/share/icons", ".icons",
                    ".config/user-dirs.locale", ".config/locale.conf"],
            notCopied: [(".config/dconf", "GNOME's settings database holds every GNOME program's settings, accounts among them; set the theme in the jail instead")],
            rules: [], filters: [:]),
    ]

    /// Firefox and Thunderbird profiles (and Firefox's profiles.ini beside
    /// them). The account's keys and passwords, the sync account, cookies
    /// and site storage stay; bookmarks, history, extensions, preferences,
    /// permissions and certificates' overrides come.
    static let mozillaRules: [LeaveRule] = [
        LeaveRule(.exact("logins.json"), .account), LeaveRule(.exact("logins-backup.json"), .account),
        LeaveRule(.exact("key4.db"), .account), LeaveRule(.exact("key3.db"), .account),
        LeaveRule(.exact("cert9.db"), .account), LeaveRule(.exact("cert8.db"), .account),
        LeaveRule(.exact("signedInUser.json"), .account), LeaveRule(.exact("weave"), .account),
        LeaveRule(.prefix("cookies.sqlite"), .account), LeaveRule(.exact("storage"), .account),
        LeaveRule(.prefix("webappsstore.sqlite"), .account), LeaveRule(.prefix("formhistory.sqlite"), .account),
        LeaveRule(.exact("storage.sqlite"), .account), LeaveRule(.exact("sessionstore-backups"), .running),
        LeaveRule(.prefix("sessionstore"), .running), LeaveRule(.exact("sessionCheckpoints.json"), .running),
        LeaveRule(.exact("datareporting"), .running), LeaveRule(.exact("saved-telemetry-pings"), .running),
        LeaveRule(.exact("safebrowsing"), .cache), LeaveRule(.exact("Crash Reports"), .running),
    ]

    /// Chromium's profile directory. Its "Local State" holds the profiles'
    /// signed-in accounts and the key that encrypts cookies and passwords,
    /// so it stays, and Chromium writes a new one.
    static let chromiumRules: [LeaveRule] = [
        LeaveRule(.prefix("Login Data"), .account), LeaveRule(.prefix("Cookies"), .account),
        LeaveRule(.prefix("Web Data"), .account), LeaveRule(.prefix("Account Web Data"), .account),
        LeaveRule(.exact("Local State"), .account), LeaveRule(.exact("Network"), .account),
        LeaveRule(.exact("Local Storage"), .account), LeaveRule(.exact("Session Storage"), .account),
        LeaveRule(.exact("IndexedDB"), .account), LeaveRule(.exact("Service Worker"), .account),
        LeaveRule(.exact("GCM Store"), .account), LeaveRule(.exact("Sync Data"), .account),
        LeaveRule(.prefix("Trust Tokens"), .account), LeaveRule(.exact("shared_proto_db"), .account),
        LeaveRule(.exact("Sessions"), .running), LeaveRule(.exact("Current Session"), .running),
        LeaveRule(.exact("Last Session"), .running), LeaveRule(.exact("Current Tabs"), .running),
        LeaveRule(.exact("Last Tabs"), .running), LeaveRule(.exact("Safe Browsing"), .cache),
    ]
}

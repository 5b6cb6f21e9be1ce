import Testing
import NetnsPolicy
@testable import JailKit

@Suite("Jailing a desktop entry")
struct DesktopJailRewriteTests {
    let rewrite = DesktopJailRewrite(namespace: NamespaceName("vpn_jail")!)

    func jail(_ text: String, with rewrite: DesktopJailRewrite? = nil) throws -> String {
        try (rewrite ?? self.rewrite).apply(to: DesktopEntry(parsing: text)).text
    }

    @Test func rewritesExecNamesAndDBusActivation() throws {
        let source = """
            [Desktop Entry]
            Type=Application
            Name=Torrent
            Name[de]=Strom
            GenericName=Client
            TryExec=torrent
            Exec=torrent --profile "My Profile" %U
            DBusActivatable=true
            Actions=new;

            [Desktop Action new]
            Name=New Window
            Exec="/opt/T C/torrent" --new %u

            [X-Vendor Group]
            Exec=left alone

            """
        let expected = """
            [Desktop Entry]
            Type=Application
            Name=Torrent (VPN)
            Name[de]=Strom (VPN)
            GenericName=Client
            TryExec=torrent
            Exec=netns-exec --menu-name=Torrent=20=28VPN=29 vpn_jail torrent --profile "My Profile" %U
            Actions=new;
            X-NetnsExec-Namespace=vpn_jail

            [Desktop Action new]
            Name=New Window
            Exec=netns-exec --menu-name=Torrent=20=28VPN=29 vpn_jail "/opt/T C/torrent" --new %u

            [X-Vendor Group]
            Exec=left alone

            """
        #expect(try jail(source) == expected)
    }

    @Test func launcherPathAndSuffixAreQuotedForTheFile() throws {
        let custom = DesktopJailRewrite(namespace: NamespaceName("a.b-c")!, launcher: "/opt/my tools/netns-exec",
                                        nameSuffix: #" [jail\1]"#)
        let out = try jail("[Desktop Entry]\nType=Application\nName=X\nExec=x\n", with: custom)
        #expect(out.contains(#"Exec="/opt/my tools/netns-exec" --menu-name=X=20=5Bjail=5C1=5D a.b-c x"#))
        #expect(out.contains(#"Name=X [jail\\1]"#))
    }

    @Test func fileIDIsNew() {
        #expect(rewrite.fileID(for: "org.qbittorrent.qBittorrent.desktop") == "org.qbittorrent.qBittorrent-netns-vpn_jail.desktop")
        #expect(rewrite.fileID(for: "firefox.desktop") == "firefox-netns-vpn_jail.desktop")
        #expect(rewrite.fileID(for: ".desktop") == nil)
        #expect(rewrite.fileID(for: "notes.txt") == nil)
    }

    @Test("refuses entries it cannot jail safely", arguments: [
        ("[Desktop Entry]\nType=Link\nName=x\nURL=http://192.0.2.1/\n", "only Type=Application"),
        ("[Desktop Entry]\nName=x\nExec=x\n", "Type=(missing)"),
        ("[Desktop Entry]\nType=Application\nName=x\nDBusActivatable=true\n", "[Desktop Entry] has no Exec="),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=x\n[Desktop Action a]\nName=a\n", "[Desktop Action a] has no Exec="),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=x\nExec[de]=y\n", "line 5: Exec[de] is not a valid key"),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=x \"open\n", "line 4: Exec in [Desktop Entry]: a double quote is not closed"),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=/usr/bin/netns-exec other x\n", "already starts netns-exec"),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=x\nX-NetnsExec-Namespace=other\n", "already jailed in other"),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=/usr/bin/chromium %U\n", "chromium cannot start in jail vpn_jail: its sandbox needs user namespaces"),
        ("[Desktop Entry]\nType=Application\nName=x\nExec=x\n[Desktop Action a]\nName=a\nExec=google-chrome-stable --incognito\n",
         "line 7: google-chrome-stable cannot start in jail vpn_jail: its sandbox needs user namespaces, which this jail refuses (its line in netns-exec.conf says userns=deny, or there is none)"),
    ])
    func refuses(_ source: String, message: String) {
        #expect {
            _ = try jail(source)
        } throws: { error in
            (error as? DesktopEntryError).map { $0.description.contains(message) } ?? false
        }
    }

    @Test func chromiumWhereThePolicyAllowsUserNamespaces() throws {
        let allowing = DesktopJailRewrite(namespace: NamespaceName("vpn_jail")!, permitsUserNamespaces: true)
        let text = try jail("[Desktop Entry]\nType=Application\nName=C\nExec=/usr/bin/chromium %U\n", with: allowing)
        #expect(text.contains("Exec=netns-exec --menu-name=C=20=28VPN=29 vpn_jail /usr/bin/chromium %U\n"))
    }

    @Test func jailingTheOutputAgainIsRefused() throws {
        let once = try jail("[Desktop Entry]\nType=Application\nName=x\nExec=x %f\n")
        #expect(throws: DesktopEntryError.self) { _ = try jail(once) }
    }
}

@Suite("Programs netns-jail desktop warns about (JailCompatibility)")
struct JailCompatibilityTests {
    @Test func knownProgramsGetOneReason() {
        let w = JailCompatibility.warning(for: "/usr/bin/qutebrowser", permitsUserNamespaces: false)
        #expect(w?.hasPrefix("qutebrowser will not work in the jail: ") == true)
        #expect(w?.contains("says userns=deny") == true)
        #expect(w?.contains("without userns=allow") == false)
        #expect(JailCompatibility.warning(for: "/snap/bin/spotify", permitsUserNamespaces: true)?.hasPrefix("snap ") == true)
        #expect(JailCompatibility.warning(for: "flatpak", permitsUserNamespaces: true) != nil)
    }

    @Test func userNamespacesAllowedSilenceOnlyThatNeed() {
        #expect(JailCompatibility.warning(for: "falkon", permitsUserNamespaces: true) == nil)
        #expect(JailCompatibility.warning(for: "signal-desktop", permitsUserNamespaces: true) == nil)
        #expect(JailCompatibility.warning(for: "flatpak", permitsUserNamespaces: true) != nil)
    }

    @Test func everyOtherProgramIsQuiet() {
        // KTorrent among them: the jail's own session bus lets it start
        // (Tests/Desktop/50-single-instance.sh).
        for program in ["qbittorrent", "firefox-esr", "thunderbird", "transmission-gtk", "/usr/bin/deluge-gtk", "vlc",
                        "ktorrent"] {
            #expect(JailCompatibility.warning(for: program, permitsUserNamespaces: false) == nil)
        }
    }
}

import Testing
@testable import JailKit

@Suite("Making a jailed launcher the default handler (mimeapps.list)")
struct MimeAppsListTests {
    let jailed = "org.qbittorrent.qBittorrent-netns-vpn.desktop"

    @Test func newFileGetsBothGroups() {
        var list = MimeAppsList(text: "")
        list.makeDefault(jailed, for: ["x-scheme-handler/magnet", "application/x-bittorrent"])
        #expect(list.text == """
            [Default Applications]
            x-scheme-handler/magnet=\(jailed);
            application/x-bittorrent=\(jailed);

            [Added Associations]
            x-scheme-handler/magnet=\(jailed);
            application/x-bittorrent=\(jailed);

            """)
    }

    @Test func replacesTheDefaultAndKeepsEverythingElse() {
        let source = """
            # my settings
            [Default Applications]
            x-scheme-handler/magnet=org.qbittorrent.qBittorrent.desktop;
            text/html=firefox-esr.desktop;

            [Added Associations]
            x-scheme-handler/magnet=org.qbittorrent.qBittorrent.desktop;transmission-gtk.desktop;

            [Removed Associations]
            image/png=gimp.desktop;
            """
        var list = MimeAppsList(text: source)
        list.makeDefault(jailed, for: ["x-scheme-handler/magnet", "application/x-bittorrent"])
        #expect(list.text == """
            # my settings
            [Default Applications]
            x-scheme-handler/magnet=\(jailed);
            text/html=firefox-esr.desktop;
            application/x-bittorrent=\(jailed);

            [Added Associations]
            x-scheme-handler/magnet=\(jailed);org.qbittorrent.qBittorrent.desktop;transmission-gtk.desktop;
            application/x-bittorrent=\(jailed);

            [Removed Associations]
            image/png=gimp.desktop;

            """)
        #expect(list.handlers(for: "x-scheme-handler/magnet", in: MimeAppsList.defaultsGroup) == [jailed])
    }

    @Test func runningTwiceChangesNothing() {
        var once = MimeAppsList(text: "[Default Applications]\ntext/html=a.desktop;\n")
        once.makeDefault(jailed, for: ["text/html"])
        var twice = once
        twice.makeDefault(jailed, for: ["text/html"])
        #expect(once == twice)
        #expect(twice.handlers(for: "text/html", in: MimeAppsList.addedGroup) == [jailed])
    }

    @Test func sameTypeInAnotherGroupIsLeftAlone() {
        var list = MimeAppsList(text: "[Removed Associations]\ntext/html=a.desktop;\n")
        list.makeDefault(jailed, for: ["text/html"])
        #expect(list.handlers(for: "text/html", in: "Removed Associations") == ["a.desktop"])
        #expect(list.handlers(for: "text/html", in: MimeAppsList.defaultsGroup) == [jailed])
    }

    @Test func typesFromMimeTypeValue() {
        #expect(MimeAppsList.types(inMimeTypeValue: "application/x-bittorrent;x-scheme-handler/magnet;")
            == ["application/x-bittorrent", "x-scheme-handler/magnet"])
        #expect(MimeAppsList.types(inMimeTypeValue: "text/html;text/html;image/svg+xml") == ["text/html", "image/svg+xml"])
        // Nothing that could break out of its line or group is written.
        #expect(MimeAppsList.types(inMimeTypeValue: "a/b=c;[x]/y;noslash;a/b/c;/x;x/;t/ok") == ["t/ok"])
        #expect(MimeAppsList.types(inMimeTypeValue: "") == [])
    }
}

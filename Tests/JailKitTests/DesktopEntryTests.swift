import Testing
@testable import JailKit

@Suite("Desktop entry parsing")
struct DesktopEntryTests {
    static let sample = """
        # leading comment
        [Desktop Entry]
        Type=Application
        Name = Spaced
        Name[sr@latin]=Ime

        [Desktop Action new]
        Exec=app --new

        """

    @Test func roundTripKeepsCommentsBlanksAndOrder() throws {
        let entry = try DesktopEntry(parsing: Self.sample)
        #expect(entry.groups == ["Desktop Entry", "Desktop Action new"])
        #expect(entry.value(DesktopKey(name: "Name"), in: "Desktop Entry") == "Spaced")
        #expect(entry.value(DesktopKey(name: "Name", locale: "sr@latin"), in: "Desktop Entry") == "Ime")
        #expect(entry.value(DesktopKey(name: "Exec"), in: "Desktop Entry") == nil)
        // Spaces around '=' are not part of key or value; the rest is verbatim.
        #expect(entry.text == Self.sample.replacingOccurrences(of: "Name = Spaced", with: "Name=Spaced"))
    }

    @Test func keepsAMissingFinalNewline() throws {
        let text = "[Desktop Entry]\nType=Application"
        #expect(try DesktopEntry(parsing: text).text == text)
    }

    @Test("refuses files where a launcher could read a different line than the rewrite", arguments: [
        ("[Desktop Entry]\nExec=a\nExec=b\n", 3, "key Exec appears twice"),
        ("[Desktop Entry]\nType=Application\n[Desktop Entry]\n", 3, "group [Desktop Entry] appears twice"),
        ("Exec=a\n[Desktop Entry]\n", 1, "comes before the first group"),
        ("[Other]\nType=Application\n", 1, "must start with [Desktop Entry]"),
        ("[Desktop Entry]\nnot an entry\n", 2, "not a comment"),
        ("[Desktop Entry]\nEx ec=a\n", 2, "invalid key"),
        ("[Desktop Entry]\nName[]=a\n", 2, "invalid key"),
        ("[Desktop Entry\n", 1, "malformed group header"),
        ("[Desktop Entry]\nName=a\u{1B}b\n", 2, "control character"),
    ])
    func refuses(_ text: String, line: Int, message: String) {
        #expect {
            try DesktopEntry(parsing: text)
        } throws: { error in
            guard let failure = error as? DesktopEntryParseFailure, let first = failure.errors.first else { return false }
            return first.line == line && first.message.contains(message)
        }
    }

    @Test func collectsEveryError() {
        #expect {
            try DesktopEntry(parsing: "[Desktop Entry]\nbad\nalso bad\nName=x\nName=y\n")
        } throws: { error in
            (error as? DesktopEntryParseFailure)?.errors.map(\.line) == [2, 3, 5]
        }
    }

    @Test func emptyFileIsNotADesktopEntry() {
        #expect(throws: DesktopEntryParseFailure.self) { try DesktopEntry(parsing: "# only a comment\n") }
    }

    @Test func keys() {
        #expect(DesktopKey("Name[de_DE.UTF-8@euro]") == DesktopKey(name: "Name", locale: "de_DE.UTF-8@euro"))
        #expect(DesktopKey("X-KDE-Foo")?.locale == nil)
        for bad in ["", "[de]", "Name[de", "Na me", "Name[d e]", "Näme", "Name]"] {
            #expect(DesktopKey(bad) == nil, "\(bad)")
        }
    }
}

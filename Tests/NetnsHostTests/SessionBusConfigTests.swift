import Testing
@testable import NetnsHost

@Suite("The jail's session bus configuration")
struct SessionBusConfigTests {
    @Test("the address names the bus in the jail's runtime directory")
    func address() {
        #expect(SessionBusConfig.address(in: "/run/user/1000") == "unix:path=/run/user/1000/bus")
    }

    @Test("one Unix path, EXTERNAL only, nothing included, no TCP, no systemd activation")
    func configuration() {
        let text = SessionBusConfig.configuration(listeningOn: "/run/user/1000/bus")
        let listens = text.split(separator: "\n").filter { $0.contains("<listen>") }
        #expect(listens == ["  <listen>unix:path=/run/user/1000/bus</listen>"])
        #expect(text.contains("<auth>EXTERNAL</auth>"))
        #expect(text.split(separator: "\n").filter { $0.contains("<auth>") }.count == 1)
        for absent in ["tcp:", "<include", "includedir", "systemd", "<user>", "anonymous", "servicehelper"] {
            #expect(!text.contains(absent), "\(absent)")
        }
    }
}

import NetnsPolicy
import Testing
@testable import JailKit

@Suite struct KillSwitchTests {
    let killSwitch = KillSwitch(tunnel: InterfaceName("proton0")!)

    @Test func rulesetDropsEverythingButLoAndTheTunnel() {
        let rules = killSwitch.ruleset
        #expect(rules.hasPrefix("table inet netns_jail {\n"))
        #expect(rules.components(separatedBy: "policy drop;").count - 1 == 3, "input, forward and output all drop")
        #expect(rules.contains("\t\toif \"lo\" accept\n\t\toifname \"proton0\" accept\n"))
        #expect(rules.contains("\t\tiif \"lo\" accept\n\t\tiifname \"proton0\" accept\n"))
        // The tunnel is matched by name: it does not exist when the rules load.
        #expect(!rules.contains("oif \"proton0\""))
        #expect(!rules.contains("counter"), "counters would make the listing differ from the rules")
    }

    @Test func comparisonIsExact() {
        #expect(killSwitch.compare(liveRuleset: killSwitch.ruleset) == .intact)
        #expect(killSwitch.compare(liveRuleset: killSwitch.ruleset + "\n\n") == .intact)
        #expect(killSwitch.compare(liveRuleset: "") == .missing)
        #expect(killSwitch.compare(liveRuleset: "table ip other {\n}\n") == .missing)
        let extraTable = killSwitch.ruleset + "table inet evil {\n\tchain output {\n\t\ttype filter hook output priority -1; policy accept;\n\t}\n}\n"
        #expect(killSwitch.compare(liveRuleset: extraTable) == .altered)
        let accepting = killSwitch.ruleset.replacingOccurrences(of: "hook output priority filter; policy drop;", with: "hook output priority filter; policy accept;")
        #expect(killSwitch.compare(liveRuleset: accepting) == .altered)
        let otherTunnel = KillSwitch(tunnel: InterfaceName("wg1")!).ruleset
        #expect(killSwitch.compare(liveRuleset: otherTunnel) == .altered)
    }
}

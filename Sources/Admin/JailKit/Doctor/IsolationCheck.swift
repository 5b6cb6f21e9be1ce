import NetnsPolicy

/// The key line of `netns-jail doctor`: how jailed programs are kept from
/// the user's processes outside the jail. It calls ProcessIsolation.choose,
/// the function the launcher applies at every launch, with what this kernel
/// answers, so what doctor says is what netns-exec does.
public enum IsolationCheck {
    public static let subject = "isolation"

    /// - Parameters:
    ///   - landlock: the kernel's answer to landlock_create_ruleset.
    ///   - yamaScope: kernel.yama.ptrace_scope, nil when Yama is not active.
    ///   - policy: the installed netns-exec.conf, when it could be read;
    ///     only its `host-ptrace=allow` options matter here.
    public static func lines(landlock: LandlockSupport, yamaScope: Int?, policy: Policy?) -> [SystemCheck] {
        // The launcher refuses on any error other than "no Landlock"
        // (ProcessScope.landlockABI), before choosing anything.
        if case .error = landlock {
            return [SystemCheck(.fail, subject, "refused: \(landlock.absence); netns-exec refuses every launch while it does; check the kernel log")]
        }
        let isolation = ProcessIsolation.choose(landlockABI: landlock.abi, yamaScope: yamaScope, allowsHostPtrace: false)
        switch isolation {
        case .landlock(_, let scoped):
            let detail = scoped
                ? "jailed programs cannot trace or signal your processes outside the jail"
                : "jailed programs cannot trace your processes outside the jail, but can signal them (Linux 6.12+ stops that too)"
            return [SystemCheck(.ok, subject, "\(isolation.summary): \(detail)")]
        case .yama:
            return [SystemCheck(.warn, subject, "\(isolation.summary): jailed programs cannot trace your other processes, but this is weaker than Landlock (an outside process may name a tracer with PR_SET_PTRACER, and root may lower the scope while they run); \(landlockRemedy(landlock))")]
        case .unguarded:
            // choose() gives this only when the opt-out was passed.
            return []
        case .unavailable(let reason):
            let optedOut = policy?.entries.filter(\.allowsHostPtrace) ?? []
            let everyOneOptedOut = !(policy?.entries.isEmpty ?? true) && optedOut.count == policy?.entries.count
            var lines = [SystemCheck(everyOneOptedOut ? .warn : .fail, subject, "\(isolation.summary): \(reason)")]
            for entry in optedOut {
                let chosen = ProcessIsolation.choose(landlockABI: landlock.abi, yamaScope: yamaScope, allowsHostPtrace: true)
                lines.append(SystemCheck(.warn, "\(subject) \(entry.namespace)", "\(chosen.summary): launches are allowed, but jailed programs can trace your other processes and act outside the jail through them; fix the kernel as above, then remove \(ProcessIsolation.optOutOption) (line \(entry.line))"))
            }
            return lines
        }
    }

    /// What would give Landlock instead of Yama.
    static func landlockRemedy(_ landlock: LandlockSupport) -> String {
        switch landlock {
        case .abi(let version):
            return "Landlock ABI \(version) is not used because it breaks renames across directories; Linux 5.19+ has ABI 2"
        case .disabled:
            return "for Landlock, add landlock to the lsm= kernel parameter"
        case .notBuilt, .error:
            return "for Landlock, run a kernel with CONFIG_SECURITY_LANDLOCK (Linux 5.19+)"
        }
    }
}

import Glibc
import NetnsPolicy

/// `netns-jail doctor`: what this kernel and system give the jails, one
/// SystemCheck each: the kernel, how jailed programs are isolated, the
/// launcher's policy, the probes, the launcher. Lines are handed to
/// `report` as they are found, because the probes take a moment and a hung
/// probe should show where.
public struct SystemDoctor {
    /// The kernel's answer to landlock_create_ruleset (made by the caller:
    /// Swift cannot call the variadic syscall(2)).
    public var landlock: LandlockSupport
    public var launcher: String?
    public var policyPath: String
    /// getxattr for the launcher's file capability (made by the caller).
    public var readCapability: FileCapability.AttributeReader

    public init(landlock: LandlockSupport, launcher: String?, policyPath: String = PolicyCheck.installedPath,
                readCapability: @escaping FileCapability.AttributeReader) {
        self.landlock = landlock
        self.launcher = launcher
        self.policyPath = policyPath
        self.readCapability = readCapability
    }

    /// Returns whether every check passed (no `fail` line).
    public func run(report: (SystemCheck) -> Void) -> Bool {
        var failed = false
        func emit(_ check: SystemCheck) {
            if check.verdict == .fail { failed = true }
            report(check)
        }

        emit(SystemCheck(.info, "kernel", Self.kernelRelease()))
        let (policyLine, policy) = PolicyCheck.run(path: policyPath)
        IsolationCheck.lines(landlock: landlock, yamaScope: YamaScope.read(), policy: policy).forEach(emit)
        emit(policyLine)

        // Ctrl-C while the probe namespace exists must still remove it.
        Interruption.arm()
        do throws(JailError) {
            let namespace = try ProbeNamespace.create()
            defer { namespace.remove() }
            let probes: [() -> [SystemCheck]] = [
                { [EtcOverlayCheck.run(in: namespace)] },
                { WireGuardCheck.run(in: namespace) },
                { OpenVPNCheck.run(in: namespace) },
                { [NftablesCheck.run(in: namespace)] },
            ]
            for probe in probes {
                // Interruption.check's message speaks of `up`; only the
                // fact matters here.
                if (try? Interruption.check()) == nil {
                    Interruption.disarm()
                    emit(SystemCheck(.fail, "doctor", "interrupted; the probe namespace \(namespace.name) is being removed"))
                    return false
                }
                probe().forEach(emit)
            }
        } catch {
            emit(SystemCheck(.fail, "probes", "\(error.message); the overlay, WireGuard, OpenVPN and nftables probes did not run"))
        }
        Interruption.disarm()

        LauncherCheck.run(path: launcher, readCapability: readCapability).forEach(emit)
        return !failed
    }

    static func kernelRelease() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown (uname: \(String(cString: strerror(errno))))" }
        let release = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let machine = withUnsafeBytes(of: names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "Linux \(release) \(machine)"
    }
}

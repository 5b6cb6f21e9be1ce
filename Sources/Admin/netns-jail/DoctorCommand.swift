import ArgumentParser
import CDoctor
import Glibc
import JailKit

/// `netns-jail doctor`: what this kernel and system give the jails, one
/// line each, and what to do about what is missing.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what the kernel and system offer the jails; say what to fix.",
        discussion: """
            One line per check: 'ok', 'warn' (works, but could be better) or 'fail' (jails or the launcher \
            will not work), then the subject and, unless ok, what to do. Checks: how jailed programs are kept \
            from your other processes (Landlock or Yama, decided by the same rule netns-exec applies, also \
            per namespace with host-ptrace=allow); the netns-exec policy; the read-only /etc overlay; kernel \
            WireGuard or wireguard-go, and wg; nftables; the installed netns-exec (owner, mode, directories, \
            the cap_sys_admin=ep file capability, a filesystem not mounted nosuid) and /run/netns. The \
            probes run in a throwaway namespace (nxdoctor-PID) that is always removed.

            Exit status: 0 when there is no 'fail' line, 1 otherwise, 2 when not run as root.
            """)

    // Only for requireRoot, and so that `netns-jail --config X doctor`
    // parses like every other subcommand; doctor reads no jail config.
    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The netns-exec to check. Default: the one beside this netns-jail, else the first on PATH.", valueName: "path"))
    var launcher: String?

    @Option(name: .long, help: ArgumentHelp("The netns-exec policy to check; installed launchers read only /etc/netns-exec.conf.", valueName: "path"))
    var policy: String = PolicyCheck.installedPath

    func validate() throws {
        if let launcher, !launcher.hasPrefix("/") {
            throw ValidationError("--launcher needs an absolute path, for example --launcher /usr/local/bin/netns-exec")
        }
        guard policy.hasPrefix("/") else {
            throw ValidationError("--policy needs an absolute path, for example --policy /etc/netns-exec.conf")
        }
    }

    func run() throws {
        try global.requireRoot("doctor")
        let abi = nj_landlock_abi()
        let doctor = SystemDoctor(landlock: LandlockSupport(probeResult: abi, errno: abi < 0 ? errno : 0),
                                  launcher: LauncherCheck.locate(explicit: launcher),
                                  policyPath: policy) { path, buffer in
            let length = buffer.withUnsafeMutableBufferPointer { nj_file_capability(path, $0.baseAddress, $0.count) }
            return length >= 0 ? Int(length) : -Int(errno)
        }
        let healthy = doctor.run { Console.out($0.description) }
        if !healthy { throw JailError.reported(exitStatus: ExitStatus.failure) }
    }
}

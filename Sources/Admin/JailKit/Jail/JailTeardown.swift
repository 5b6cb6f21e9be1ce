import FoundationEssentials
import Glibc

/// `netns-jail down`: idempotent removal of everything `up` built, the
/// parts of JailBuilder in the reverse order: the supervisor first (so it
/// does not rebuild what is being removed), then the processes inside are
/// listed (and with --kill ended), the tunnel with its routes, the
/// namespace with its kill switch, and resolv.conf last, once no launch can
/// find the namespace any more.
///
/// Processes still inside are listed. Without --kill they are left running
/// in a namespace that, once the tunnel is gone, holds only `lo` and the
/// kill switch: they lose the network, they do not leak.
public struct JailTeardown {
    public let jail: JailDefinition
    public var killProcesses = false

    public init(jail: JailDefinition) { self.jail = jail }

    public enum Outcome: Sendable { case alreadyDown, removed(remaining: [JailedProcess]) }

    var paths: JailPaths { JailPaths(name: jail.name, interface: jail.interface) }
    /// The kind of tunnel to remove (JailTunnel).
    var tunnelKind: any JailTunnel.Type { jail.openvpn != nil ? OpenVPNJailTunnel.self : WireGuardTunnel.self }

    /// The caller holds the jail's lock (JailLock).
    public func down() throws(JailError) -> Outcome {
        let fm = FileManager.default
        // JailBuilder's parts, newest first. The supervisor first, so it
        // does not rebuild what is being removed.
        SupervisorPart(jail: jail).remove()
        // Nothing probes the tunnel any more; a pool starts afresh at the
        // next `up`.
        ProbeRecord.remove(paths)
        PoolRecord.remove(paths)
        let namespaceExists = fm.fileExists(atPath: paths.namespaceFile)
        if !namespaceExists && !tunnelKind.hasLeftovers(paths) && !fm.fileExists(atPath: paths.resolvConf)
            && !fm.fileExists(atPath: paths.liveResolvConf) {
            return .alreadyDown
        }
        let namespace = JailNamespace(paths: paths)
        let remaining = namespaceExists ? namespace.endProcesses(kill: killProcesses) : []
        try tunnelKind.remove(paths, namespaceExists: namespaceExists)
        if namespaceExists { try namespace.remove() }
        try JailResolvConf.remove(paths)
        return .removed(remaining: remaining)
    }
}

import NetnsPolicy

/// The tunnel part of a jail, its only way out. JailBuilder.converge
/// installs it after the kill switch, JailTeardown removes it, the
/// supervisor keeps it carrying traffic; none of them knows which kind of
/// VPN it is. A second kind of tunnel is a second implementation of this
/// protocol (chosen in one place, `JailBuilder.tunnel` and
/// `JailTeardown.tunnelKind`), not a branch in the other parts.
/// WireGuardTunnel is the one implementation today.
///
/// What an implementation must provide, in the order `up` calls it:
///  - `install`: create its device *after* the kill switch exists in the
///    jail (the first packet the device can carry meets the ruleset), load
///    its keys and settings (secrets through a pipe, never argv or a
///    world-readable file), and end with the device inside the jail's
///    namespace under `interface`, the one name the kill switch lets out.
///    Whatever an interrupted `up` left (a daemon, a device in our
///    namespace) is removed first. Everything it creates is registered
///    with `rollback`; its steps are marked with `step` (StepPause), so the
///    fault suites can kill `up` between them. Returns the implementation's
///    name as `up` and `status` print it ("kernel", "wireguard-go").
///  - `route`: addresses, links and default routes, in forms that may run
///    again on a half-configured jail (a downed link also loses its routes).
///  - `awaitConnection`: wait, bounded by `timeout`, until it carries
///    traffic (for WireGuard, a handshake with every peer that has an
///    endpoint), or throw one sentence saying what to check; leave no
///    setting of the wait behind, even when killed (`settle` finds it).
///  - `settle`: put right in a live tunnel what an interrupted `up` left.
///  - `applyEdits`: the config's edits applied to a live tunnel in the
///    namespace the programs run in, one sentence per change; what needs a
///    new namespace is refused by JailVerification, not here.
///  - health, handshakes and counters for `status` and `verify`: what
///    JailInspection reads of it is handed back as `TunnelLive`.
///  - `remove` (static: `down` has no tunnel config): the device first,
///    then the daemon that carried it (only one whose record proves it is
///    ours), then its records; safe on a jail that is already down
///    (`hasLeftovers` says whether anything of it is left).
///    `stopForRebuild`: the daemon of a jail `up --force` rebuilds, even
///    one started for another interface name.
protocol JailTunnel {
    var interface: InterfaceName { get }
    func install(_ live: TunnelLive, rollback: Rollback,
                 step: (StepPause.Step) throws(JailError) -> Void) throws(JailError) -> String
    /// The name of the implementation of a tunnel that is already there.
    func implementation(_ live: TunnelLive) -> String
    func route() throws(JailError)
    func awaitConnection(timeout: Double) throws(JailError)
    func settle(_ live: TunnelLive)
    func applyEdits(_ live: TunnelLive) throws(JailError) -> [String]
    static func remove(_ paths: JailPaths, namespaceExists: Bool) throws(JailError)
    /// Whether a jail without a namespace still has something of this
    /// tunnel for `remove` to remove (its process or its record).
    static func hasLeftovers(_ paths: JailPaths) -> Bool
    static func stopForRebuild(_ paths: JailPaths)
}

/// What is live of the tunnel in a jail, as JailInspection found it: the
/// tunnel part's own slice of the inspection, so that the part never
/// depends on the whole.
struct TunnelLive: Sendable {
    /// The device is in the jail; false: a new tunnel is needed.
    let present: Bool
    let mtu: Int?
    let addresses: [String]
    let peers: [PeerState]
    /// The userspace process carrying the device, checked to be ours.
    let processPID: Int32?
    /// Its record exists (whether or not the process still runs).
    let recordExists: Bool
}

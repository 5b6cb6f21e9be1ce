import Glibc

/// For the fault suite (Tests/EndToEnd/40-faults.sh): with
/// NETNS_JAIL_STOP_AFTER=STEP in its environment, `up` stops itself
/// (SIGSTOP) right after that step, so a test can SIGKILL it at a known
/// point instead of at a random moment. Only root's own environment can set
/// it, and it can only make `up` stop and be killed, which root can do to
/// `up` anyway. Tools netns-jail starts never see the variable.
enum StepPause {
    /// The steps of `up`, in order; the names the variable accepts.
    enum Step: String, CaseIterable {
        case resolvConf = "resolv.conf"
        case namespace
        case killSwitch = "kill-switch"
        /// wireguard-go started (held) but not yet recorded: the moment a
        /// SIGKILL used to leave it running where `down` could not find it.
        case wireguardGoStarted = "wireguard-go-started"
        /// The same window for OpenVPN: started held, not yet recorded.
        case openvpnStarted = "openvpn-started"
        case tunnelCreated = "tunnel-created"
        case tunnelMoved = "tunnel-moved"
        case routes
        /// Inside the wait, with the keepalive raised to 1.
        case handshakeWait = "handshake-wait"
    }

    static let variable = "NETNS_JAIL_STOP_AFTER"

    static func after(_ step: Step) {
        guard let value = getenv(variable), String(cString: value) == step.rawValue else { return }
        raise(SIGSTOP)
    }
}

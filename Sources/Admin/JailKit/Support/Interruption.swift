import Glibc

nonisolated(unsafe) private var pendingSignal: sig_atomic_t = 0

/// Ctrl-C, SIGTERM or SIGHUP during `up` must not leave a half-built jail.
/// While armed, the signal only sets a flag; `up` checks it between steps
/// and then fails like any other step, so the rollback runs. A handler (not
/// SIG_IGN) is reset by execve, so the tools and wireguard-go we start get
/// the default dispositions.
enum Interruption {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func arm() {
        pendingSignal = 0
        for s in signals { signal(s) { pendingSignal = $0 } }
    }

    static func disarm() {
        for s in signals { signal(s, SIG_DFL) }
    }

    /// Whether a signal came while armed (the supervisor, told to stop
    /// during a repair, stops once the rollback is done).
    static var happened: Bool { pendingSignal != 0 }

    static func check() throws(JailError) {
        let s = pendingSignal
        if s != 0 { throw .failure("interrupted by signal \(s) during up") }
    }
}

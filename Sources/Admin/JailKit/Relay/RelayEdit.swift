import Glibc

/// The relay part of `up`: the relay the supervisor runs made to serve
/// the jail's current `publish` and `host-service` lines.
enum RelayEdit {
    /// The jail's `publish` and `host-service` lines applied to a running
    /// jail (after the supervisor is started). The supervisor starts a
    /// relay that reads the current configuration; it takes over the
    /// listening sockets of the lines that stay (so they never stop
    /// accepting), binds the new ones, and records each line it cannot
    /// serve, then ends the old relay. `up` waits for that record, so it
    /// never reports success for a line nobody listens on, and a line that
    /// cannot be served fails `up` with its name and reason while every
    /// other line keeps serving. Connections the old relay was carrying
    /// are closed; the jail's programs and its tunnel are not touched.
    static func apply(_ jail: JailDefinition, timeout: Double = 8) throws(JailError) -> [String] {
        let paths = JailPaths(name: jail.name, interface: jail.interface)
        let before = RelayState.read(paths)
        if before.serves(jail.relays) || (jail.relays.isEmpty && before.pid == nil) { return [] }
        if jail.relays.isEmpty {
            before.stop()
            unlink(paths.relayStateFile)
            return before.pid == nil ? [] : ["stopped its relay: no publish or host-service lines are left"]
        }
        RelayState.requestSuccessor(paths)
        let deadline = monotonicSeconds() + timeout
        var now = RelayState.read(paths)
        while monotonicSeconds() < deadline {
            now = RelayState.read(paths)
            if now.failure != nil || now.accounts(for: jail.relays) { break }
            usleep(50_000)
        }
        if let failure = now.failure {
            throw .failure("the relay of \(jail.name) cannot start: \(failure); see syslog, then run up again")
        }
        guard now.accounts(for: jail.relays) else {
            throw .failure("the relay of \(jail.name) did not start within \(Int(timeout)) seconds; see syslog, then run up again")
        }
        guard now.unserved.isEmpty else {
            let lines = now.unserved.map { "\($0.relay) (\($0.reason))" }.joined(separator: "; ")
            let others = now.served.isEmpty ? "" : ", every other publish and host-service line still serves"
            throw .failure("\(jail.name) cannot serve \(lines)\(others); fix that line in netns-jail.conf (or stop what holds its port) and run up again")
        }
        return jail.relays.map { "relays \($0)" }
    }
}

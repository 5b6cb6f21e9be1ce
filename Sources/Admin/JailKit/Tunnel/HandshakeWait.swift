import Glibc

/// The end of `up`: a config that loads but cannot reach its peer (wrong
/// key, dead endpoint) is a failed `up`, not a jail that silently never
/// works. Each peer with an endpoint is asked for a handshake (a keepalive
/// makes WireGuard start one) and `up` waits, bounded, for all of them.
/// The config's keepalive is put back afterwards; if `up` is killed during
/// the wait, the next `up` finds the leftover and puts it back.
struct HandshakeWait {
    let jail: JailDefinition
    let config: WireGuardConfig
    let timeout: Double

    private var name: String { jail.name.value }
    private var iface: String { jail.interface.value }
    private var peers: [WireGuardConfig.Peer] { config.peers.filter { $0.endpoint != nil } }

    private func wgInside(_ arguments: [String]) -> ToolResult {
        ExternalTool.wg.runInside(name, arguments)
    }

    private func keepalive(_ peer: WireGuardConfig.Peer) -> String {
        peer.persistentKeepalive.flatMap { $0 > 0 ? String($0) : nil } ?? "off"
    }

    func run() throws(JailError) {
        guard !peers.isEmpty else { return }
        for peer in peers where keepalive(peer) == "off" {
            _ = wgInside(["set", iface, "peer", peer.publicKey, "persistent-keepalive", "1"])
        }
        defer {
            for peer in peers where keepalive(peer) == "off" {
                _ = wgInside(["set", iface, "peer", peer.publicKey, "persistent-keepalive", "off"])
            }
        }
        StepPause.after(.handshakeWait)
        let deadline = monotonicSeconds() + timeout
        var waiting = Set(peers.map(\.publicKey))
        while !waiting.isEmpty && monotonicSeconds() < deadline {
            usleep(50_000)
            try Interruption.check()
            for peer in PeerState.parseDump(wgInside(["show", iface, "dump"]).output) where peer.latestHandshake != nil {
                waiting.remove(peer.publicKey)
            }
        }
        if !waiting.isEmpty {
            let endpoints = peers.filter { waiting.contains($0.publicKey) }.compactMap(\.endpoint).joined(separator: ", ")
            throw .failure("no WireGuard handshake with \(endpoints) within \(Int(timeout)) seconds; check the endpoint, the keys and that UDP reaches the server (or pass --handshake-timeout 0 to skip this check)")
        }
    }

    /// Puts back the config's keepalive where the live one differs.
    func restoreKeepalives(live: [PeerState]) {
        for peer in config.peers {
            guard let state = live.first(where: { $0.publicKey == peer.publicKey }) else { continue }
            let wanted = keepalive(peer)
            if (state.persistentKeepalive.map(String.init) ?? "off") != wanted {
                _ = wgInside(["set", iface, "peer", peer.publicKey, "persistent-keepalive", wanted])
            }
        }
    }
}

// libFuzzer target: the wg-quick configuration parser
// (WireGuardConfig.parse), built by fuzz/run.sh with the JailKit sources.
//
// Besides crashes and hangs it checks the property that matters for
// `netns-jail up`: the `wg setconf` text made from an accepted config
// (which holds the private key and goes to a pipe) parses back to the same
// keys and peers, so no value can smuggle an extra line or key into what
// the WireGuard device receives. (Address is added back for the re-parse.)
import NetnsPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func wireGuardTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let config = try? WireGuardConfig.parse(bytes: bytes, file: "fuzz.conf") else { return 0 }
    // setconf text has no Address (the kernel device takes none), which
    // the wg-quick parser requires: give it one, right after [Interface].
    var text = config.setconfText
    precondition(text.hasPrefix("[Interface]\n"), "setconf text does not start with [Interface]")
    text.insert(contentsOf: "Address = 192.0.2.1/32\n", at: text.index(text.startIndex, offsetBy: 12))
    let again: WireGuardConfig
    do throws(ConfigFailure) {
        again = try WireGuardConfig.parse(text: text, file: "setconf")
    } catch {
        preconditionFailure("setconf text of an accepted config does not parse: \(error.diagnostics.map(\.description))")
    }
    precondition(again.interface.privateKey == config.interface.privateKey, "private key changed")
    precondition(again.interface.listenPort == config.interface.listenPort, "listen port changed")
    precondition(again.interface.fwMark == config.interface.fwMark, "fwmark changed")
    precondition(again.peers.count == config.peers.count, "peer count changed")
    for (a, b) in zip(again.peers, config.peers) {
        precondition(a.publicKey == b.publicKey && a.presharedKey == b.presharedKey, "peer keys changed")
        precondition(a.allowedIPs == b.allowedIPs, "allowed IPs changed")
        precondition(a.endpoint == b.endpoint && a.persistentKeepalive == b.persistentKeepalive, "peer settings changed")
    }
    return 0
}

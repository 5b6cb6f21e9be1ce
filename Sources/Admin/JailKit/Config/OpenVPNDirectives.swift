import NetnsPolicy

/// What netns-jail does with each directive of a provider's .ovpn file.
///
/// The table is an allow-list. Only the directives under `passed` reach the
/// file OpenVPN reads, each with arguments checked against its own rule;
/// every other directive (the named ones below and every unknown one) is
/// ignored with one warning line or refuses the file. A provider's file is
/// data: OpenVPN runs as root, so any directive that runs a program (`up`,
/// `tls-verify`), loads code (`plugin`), opens, reads or writes a file
/// (`config`, `log`, `status`, `ca FILE`), changes directory (`cd`,
/// `chroot`) or configures the host (`route`, `ifconfig`,
/// `redirect-gateway`) would let whoever wrote the file act as root or
/// steer traffic around the jail. New OpenVPN versions add directives;
/// they stay out until someone adds them here, with a reason.
enum OpenVPNDirective {
    /// Argument rules of the directives that pass. `Args` checks the
    /// arguments after the name; nil means they are acceptable.
    struct Args: Sendable {
        let count: ClosedRange<Int>
        let check: @Sendable ([String]) -> String?
    }

    /// What happens to a directive.
    enum Verdict {
        /// Copied into OpenVPN's file, arguments checked.
        case passed(Args)
        /// netns-jail writes its own value (`OpenVPNClientFile`); the
        /// provider's line is dropped without a warning, since the result
        /// is what the provider asked for (`client`, `dev tun`, `persist-tun`).
        case ours
        /// Dropped, with one warning line giving the reason.
        case ignored(String)
        /// The whole file is refused: ignoring the line would change where
        /// traffic goes or how the server is authenticated.
        case refused(String)
    }

    static let runsProgram = "netns-jail never runs a program or loads code named in a VPN config"
    static let opensFile = "netns-jail opens no file a VPN config names; OpenVPN reads only the file netns-jail writes"
    static let configuresHost = "the jail sets its own addresses, routes and DNS from what the server pushes"
    static let outputOrProcess = "netns-jail decides where OpenVPN logs, which local port it uses and when it stops"
    static let unknown = "not on netns-jail's list of OpenVPN client directives, so it is not passed on"

    static func verdict(_ name: String) -> Verdict {
        if let args = passed[name] { return .passed(args) }
        if ours.contains(name) { return .ours }
        if let message = refused[name] { return .refused(message) }
        if runsProgram_.contains(name) { return .ignored(runsProgram) }
        if opensFile_.contains(name) { return .ignored(opensFile) }
        if configuresHost_.contains(name) { return .ignored(configuresHost) }
        if outputOrProcess_.contains(name) { return .ignored(outputOrProcess) }
        return .ignored(unknown)
    }

    // MARK: passed

    private static let none = Args(count: 0...0) { _ in nil }
    private static func number(_ range: ClosedRange<Int>, count: ClosedRange<Int> = 1...1) -> Args {
        Args(count: count) { args in
            args.allSatisfy { WireGuardValue.integer($0, in: range) != nil } ? nil : "takes a number from \(range.lowerBound) to \(range.upperBound)"
        }
    }
    private static func oneOf(_ words: Set<String>, count: ClosedRange<Int> = 1...1) -> Args {
        Args(count: count) { args in
            args.allSatisfy(words.contains) ? nil : "takes one of \(words.sorted().joined(separator: ", "))"
        }
    }
    /// Cipher, digest and group names and their colon lists.
    private static let algorithm = Args(count: 1...1) { args in
        args.allSatisfy { word in
            !word.isEmpty && word.utf8.count <= 512
                && word.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") }
        } ? nil : "takes a cipher, digest or group name (letters, digits, '-', '_', '+', '.', ':' lists)"
    }
    static let protocols: Set<String> = ["udp", "udp4", "udp6", "tcp", "tcp4", "tcp6", "tcp-client", "tcp4-client", "tcp6-client"]

    static let passed: [String: Args] = [
        // Where the server is and how to reach it (`remote` and `proto` are
        // kept typed in OpenVPNConfig; these are the rest).
        "port": number(1...65535), "rport": number(1...65535),
        "remote-random": none, "remote-random-hostname": none, "float": none,
        "resolv-retry": Args(count: 1...1) { a in a[0] == "infinite" || WireGuardValue.integer(a[0], in: 0...86400) != nil ? nil : "takes a number of seconds or 'infinite'" },
        "connect-retry": number(0...86400, count: 1...2), "connect-retry-max": number(1...100000),
        "connect-timeout": number(1...3600), "server-poll-timeout": number(1...3600),
        "explicit-exit-notify": number(0...10, count: 0...1),
        "persist-remote-ip": none,
        // Liveness.
        "ping": number(1...3600), "ping-restart": number(1...86400), "keepalive": number(1...86400, count: 2...2),
        // Sizes of the tunnel.
        "tun-mtu": number(576...65535), "mssfix": number(0...65535, count: 0...1), "fragment": number(68...65535),
        "sndbuf": number(0...16_777_216), "rcvbuf": number(0...16_777_216),
        // Cryptography and how the server proves who it is.
        "cipher": algorithm, "data-ciphers": algorithm, "data-ciphers-fallback": algorithm, "ncp-ciphers": algorithm,
        "auth": algorithm, "tls-cipher": algorithm, "tls-ciphersuites": algorithm, "tls-groups": algorithm, "ecdh-curve": algorithm,
        "tls-version-min": Args(count: 1...2) { a in
            ["1.0", "1.1", "1.2", "1.3"].contains(a[0]) && (a.count == 1 || a[1] == "or-highest") ? nil : "takes 1.0 to 1.3, optionally 'or-highest'"
        },
        "tls-version-max": oneOf(["1.0", "1.1", "1.2", "1.3"]),
        "key-direction": oneOf(["0", "1"]),
        "remote-cert-tls": oneOf(["server"]),
        "ns-cert-type": oneOf(["server"]),
        "remote-cert-ku": Args(count: 1...6) { a in
            a.allSatisfy { $0.utf8.count <= 4 && $0.utf8.allSatisfy { isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) } } ? nil : "takes hexadecimal key-usage values such as a0 or 88"
        },
        "remote-cert-eku": Args(count: 1...1) { a in
            OpenVPNToken.isPlain(a[0]) ? nil : "takes an OID or an extended key usage name"
        },
        "verify-x509-name": Args(count: 1...2) { a in
            guard OpenVPNToken.isPrintable(a[0], spaces: true) else { return "takes a name, quoted if it has blanks" }
            return a.count == 1 || ["subject", "name", "name-prefix"].contains(a[1]) ? nil : "takes a name and subject, name or name-prefix"
        },
        "tls-timeout": number(1...3600), "hand-window": number(1...3600), "tran-window": number(1...86400),
        "reneg-sec": number(0...1_000_000, count: 1...2), "reneg-bytes": number(0...Int(Int32.max)), "reneg-pkts": number(0...Int(Int32.max)),
        "replay-window": number(1...65536, count: 1...2), "mute-replay-warnings": none,
        "auth-nocache": none, "push-peer-info": none, "tls-client": none, "pull": none,
        // Compression as the server expects it; OpenVPN's own default
        // (`allow-compression asym`) still refuses to compress what we send.
        "comp-lzo": oneOf(["yes", "no", "adaptive"], count: 0...1),
        "compress": oneOf(["lz4", "lz4-v2", "lzo", "stub", "stub-v2", "migrate"], count: 0...1),
        "allow-compression": oneOf(["no", "asym"]),
        "topology": oneOf(["subnet", "net30", "p2p"]),
    ]

    // MARK: netns-jail's own

    static let ours: Set<String> = [
        "client", "dev", "dev-type", "persist-tun", "persist-key", "tun-ipv6",
        "verb", "mute", "auth-retry", "user", "group", "nobind",
    ]

    // MARK: refused

    static let refused: [String: String] = [
        "http-proxy": "netns-jail does not connect through a proxy; remove the line or use a config without it",
        "socks-proxy": "netns-jail does not connect through a proxy; remove the line or use a config without it",
        "secret": "static-key mode (secret) is not supported; use the provider's TLS config",
        "pkcs12": "PKCS#12 bundles are not supported; give the certificate and key as inline <cert> and <key>",
        "askpass": "an encrypted private key is not supported; decrypt it (openssl pkey) into an inline <key>",
        "server": "this is a server config; netns-jail runs OpenVPN as a client",
        "mode": "this is a server config; netns-jail runs OpenVPN as a client",
        "tls-server": "this is a server config; netns-jail runs OpenVPN as a client",
        "connection": "<connection> blocks are not supported; write each server as a 'remote' line",
    ]

    // MARK: ignored, by reason

    static let runsProgram_: Set<String> = [
        "up", "down", "down-pre", "up-restart", "up-delay", "route-up", "route-pre-down", "ipchange",
        "tls-verify", "tls-export-cert", "auth-user-pass-verify", "learn-address", "client-connect",
        "client-disconnect", "plugin", "script-security", "setenv", "setenv-safe", "iproute",
        "dns-updown", "tls-crypt-v2-verify", "engine", "providers", "pkcs11-providers", "pkcs11-id",
    ]
    static let opensFile_: Set<String> = [
        "config", "cd", "chroot", "tmp-dir", "dev-node", "crl-verify", "capath", "dh",
        "replay-persist", "auth-gen-token-secret", "verify-hash", "peer-fingerprint", "http-proxy-user-pass",
        "management-client-auth", "ifconfig-pool-persist", "client-config-dir", "cryptoapicert",
    ]
    static let configuresHost_: Set<String> = [
        "route", "route-ipv6", "route-gateway", "route-ipv6-gateway", "route-metric", "route-delay", "route-method",
        "route-nopull", "redirect-gateway", "redirect-private", "ifconfig", "ifconfig-ipv6", "dhcp-option", "dns",
        "block-outside-dns", "register-dns", "ip-win32", "win-sys", "pull-filter", "lladdr", "txqueuelen",
        "block-ipv6", "mark", "bind-dev", "dhcp-renew", "dhcp-release", "tap-sleep", "allow-pull-fqdn",
        "ifconfig-noexec", "route-noexec", "ifconfig-nowarn", "disable-dco",
    ]
    static let outputOrProcess_: Set<String> = [
        "daemon", "log", "log-append", "status", "status-version", "writepid", "syslog", "errors-to-stderr",
        "management", "management-hold", "management-query-passwords", "management-client-user",
        "management-client-group", "management-log-cache", "management-signal", "management-forget-disconnect",
        "management-up-down", "management-client", "management-query-remote", "management-query-proxy",
        "management-external-key", "management-external-cert", "mlock", "nice", "echo", "machine-readable-output",
        "suppress-timestamps", "inactive", "ping-exit", "single-session", "ignore-unknown-option", "service",
        "remap-usr1", "auth-token-user", "static-challenge", "fast-io", "memstats",
        "lport", "bind", "local",
    ]
}

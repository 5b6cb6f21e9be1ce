import NetnsPolicy

/// The file OpenVPN reads for a jail: written by netns-jail from an
/// `OpenVPNConfig` (only what the allow-list passed, each word checked)
/// and the credentials, followed by netns-jail's own options, which come
/// last so that none of the provider's can override them.
///
/// netns-jail's options, and why:
/// - `client`, `dev IFACE`, `dev-type tun`: a tun device under the jail's
///   interface name, which netns-jail moves into the jail;
/// - `ifconfig-noexec`, `route-noexec`: OpenVPN sets no address and no
///   route anywhere; the jail applies what the server pushed, inside;
/// - `script-security 2` and `up HOOK`: the one program OpenVPN runs is
///   netns-jail's own hook (OpenVPNHook), from a descriptor, which moves
///   the device into the jail and records the push; nothing from the
///   provider's file that runs a program reaches this file;
/// - `disable-dco`: a tun device, which can move into the jail (a
///   data-channel-offload device is another kind of device);
/// - `persist-tun`, `persist-key`: a reconnect keeps the device (and so
///   the jail's addresses) and needs no root to reopen anything;
/// - `nobind`: no fixed local port, so several jails never collide;
/// - `auth-retry nointeract`, `verb 3`: no terminal to ask on; logs that
///   hold no keys;
/// - `user`, `group`: OpenVPN gives up root once the device is open.
///
/// It holds the private key and the password: it is written 0600, root's,
/// under /run/netns-jail, and read by no one else.
public struct OpenVPNClientFile: Sendable {
    public let config: OpenVPNConfig
    public let source: String
    public let interface: InterfaceName
    public let credentials: OpenVPNCredentials?
    /// The unprivileged user and group OpenVPN becomes after setup.
    public let user: String
    public let group: String
    /// OpenVPN's `up` command (OpenVPNTunnel.hookCommand): checked words.
    public let hook: String

    public init(config: OpenVPNConfig, source: String, interface: InterfaceName,
                credentials: OpenVPNCredentials?, user: String, group: String, hook: String) {
        precondition(hook.utf8.allSatisfy { isPrintableASCII($0) || $0 == 0x20 } && !hook.contains("\""), "the hook command is netns-jail's own words")
        self.config = config
        self.source = source
        self.interface = interface
        self.credentials = credentials
        self.user = user
        self.group = group
        self.hook = hook
    }

    public var text: String {
        var out = "# Written by netns-jail from \(OpenVPNToken.isPlain(source) ? source : "the jail's .ovpn file"); edits are lost at the next 'up'.\n"
        if let proto = config.proto { out += "proto \(proto)\n" }
        for remote in config.remotes {
            out += "remote \(remote.host)"
            if let port = remote.port { out += " \(port)" }
            if let proto = remote.proto { out += " \(proto)" }   // the parser sets it only after a port
            out += "\n"
        }
        for option in config.options {
            out += option.map(OpenVPNToken.written).joined(separator: " ") + "\n"
        }
        for material in OpenVPNConfig.Material.allCases {
            guard let pem = config.material[material] else { continue }
            if material == .tlsAuth, let direction = config.tlsAuthDirection { out += "key-direction \(direction)\n" }
            out += "<\(material.rawValue)>\n\(pem)</\(material.rawValue)>\n"
        }
        if case .asked = config.credentials, let credentials {
            out += "<auth-user-pass>\n\(credentials.user)\n\(credentials.password)\n</auth-user-pass>\n"
        }
        out += """
            # netns-jail's own options
            client
            dev \(interface.value)
            dev-type tun
            ifconfig-noexec
            route-noexec
            script-security 2
            up "\(hook)"
            disable-dco
            persist-tun
            persist-key
            nobind
            auth-retry nointeract
            verb 3
            user \(user)
            group \(group)

            """
        return out
    }
}

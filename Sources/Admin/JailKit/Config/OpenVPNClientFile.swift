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
///   data-channel-offload device is another kind of device). OpenVPN 2.5
///   (Slackware 15.0's) has no offload and would refuse the unknown word,
///   so it is marked ignorable there (`ignore-unknown-option`, 2.3.3 on);
/// - `persist-tun`, `persist-key`: a reconnect keeps the device (and so
///   the jail's addresses) and needs no root to reopen anything;
/// - `nobind`: no fixed local port, so several jails never collide;
/// - `auth-retry nointeract`, `verb 3`: no terminal to ask on; logs that
///   hold no keys;
/// - `user`, `group`: OpenVPN gives up root once the device is open;
/// - `management SOCKET unix`, `management-client-user root`: the one
///   management socket, in a directory only root can enter, for `status`
///   and the supervisor (OpenVPNManagement).
///
/// It holds the private key, and the password goes beside it in a file of
/// its own (`credentialsText`, named by `auth-user-pass FILE`: OpenVPN 2.5,
/// Slackware 15.0's, takes no inline password): both are written 0600,
/// root's, under /run/netns-jail, and read by no one else. OpenVPN reads
/// both as root, before it gives root up.
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
    /// Where netns-jail writes `credentialsText` (JailPaths.openvpnCredentialsFile).
    public let credentialsFile: String
    /// The management socket's path (OpenVPNManagement.socket); nil: none.
    public let management: String?

    public init(config: OpenVPNConfig, source: String, interface: InterfaceName,
                credentials: OpenVPNCredentials?, user: String, group: String, hook: String,
                credentialsFile: String, management: String? = nil) {
        precondition(hook.utf8.allSatisfy { isPrintableASCII($0) || $0 == 0x20 } && !hook.contains("\""), "the hook command is netns-jail's own words")
        precondition(management.map(OpenVPNToken.isPlain) ?? true, "the management socket is netns-jail's own path")
        self.management = management
        self.config = config
        self.source = source
        self.interface = interface
        self.credentials = credentials
        self.user = user
        self.group = group
        self.hook = hook
        precondition(OpenVPNToken.isPlain(credentialsFile), "the credentials file is netns-jail's own path")
        self.credentialsFile = credentialsFile
    }

    /// The user name and password, one per line, when the provider's file
    /// asks for them (`auth-user-pass`); nil otherwise.
    public var credentialsText: String? {
        guard case .asked = config.credentials, let credentials else { return nil }
        return "\(credentials.user)\n\(credentials.password)\n"
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
        if credentialsText != nil { out += "auth-user-pass \(credentialsFile)\n" }
        out += """
            # netns-jail's own options
            client
            dev \(interface.value)
            dev-type tun
            ifconfig-noexec
            route-noexec
            script-security 2
            up "\(hook)"
            ignore-unknown-option disable-dco
            disable-dco
            persist-tun
            persist-key
            nobind
            auth-retry nointeract
            verb 3
            user \(user)
            group \(group)

            """
        if let management { out += "management \(management) unix\nmanagement-client-user root\n" }
        return out
    }
}

import Glibc
import NetnsHost

/// A configuration file read through one descriptor, so the ownership and
/// mode we check belong to the bytes we parse.
public struct ConfigFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let mode: mode_t
    public let owner: uid_t

    static let maximumSize = 1 << 20

    public static func read(_ path: String) throws(JailError) -> ConfigFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            throw .config("cannot open \(path): \(String(cString: strerror(errno))); check the path")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .config("fstat(\(path)): \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .config("\(path) is not a regular file") }
        guard Int(st.st_size) <= maximumSize else { throw .config("\(path) is larger than 1 MiB; that is not a configuration file") }
        let bytes: [UInt8]
        do {
            bytes = try Descriptor.readAll(fd, limit: maximumSize)
        } catch {
            throw .config("read(\(path)): \(String(cString: strerror(error.errno)))")
        }
        guard bytes.count <= maximumSize else { throw .config("\(path) is larger than 1 MiB; that is not a configuration file") }
        return ConfigFile(path: path, bytes: bytes, mode: st.st_mode, owner: st.st_uid)
    }

    /// A file that decides where traffic goes (endpoint, keys, which config
    /// a jail uses) must be changeable by root alone, like sudoers (RootOnly).
    public func requireRootControlled() throws(JailError) {
        if let refusal = RootOnly.refusal(owner: owner, mode: mode, path: path) { throw .config(refusal) }
    }

    public var readableByOthers: Bool { mode & (S_IRGRP | S_IROTH) != 0 }
}

/// Loading both kinds of file, with the checks each needs.
public enum ConfigLoader {
    public static func jails(at path: String) throws(JailError) -> JailConfig {
        let file = try ConfigFile.read(path)
        try file.requireRootControlled()
        do {
            return try JailConfig.parse(bytes: file.bytes, file: path)
        } catch {
            throw .configFile(error)
        }
    }

    /// Parses a jail's WireGuard file; `up` also prints its warnings. For an
    /// OpenVPN jail, the same values from what its server pushed.
    public static func wireguard(for jail: JailDefinition, warn: Bool = true) throws(JailError) -> WireGuardConfig {
        // An OpenVPN jail's expectations in the same shape (OpenVPNPush.view):
        // what the server pushed, as recorded, or the section's DNS.
        if jail.openvpn != nil { return OpenVPNPush.view(jail) }
        let file = try ConfigFile.read(jail.wireguard)
        try file.requireRootControlled()
        if warn && file.readableByOthers {
            Console.warn("\(jail.wireguard) holds a private key and is readable by group or other; run: chmod 0600 \(jail.wireguard)")
        }
        do {
            let config = try WireGuardConfig.parse(bytes: file.bytes, file: jail.wireguard)
            if warn { for warning in config.warnings { Console.warn("\(warning)") } }
            return config
        } catch {
            throw .configFile(error)
        }
    }
}

extension ConfigLoader {
    /// A jail's .ovpn (root-controlled, parsed through the allow-list), with
    /// the key and certificate files it names read in (OpenVPNMaterialFile),
    /// and its credentials when the file asks for them (`auth-user-pass`):
    /// the section's `openvpn-auth`, else the file `auth-user-pass` names.
    /// `up` also prints the warnings: one line per ignored directive.
    public static func openvpn(for jail: JailDefinition, warn: Bool = true) throws(JailError) -> (config: OpenVPNConfig, credentials: OpenVPNCredentials?) {
        guard let settings = jail.openvpn else { throw .config("[\(jail.name)] has no 'openvpn =' line") }
        let file = try ConfigFile.read(settings.config)
        try file.requireRootControlled()
        var config: OpenVPNConfig
        do { config = try OpenVPNConfig.parse(bytes: file.bytes, file: settings.config) } catch { throw .configFile(error) }
        config = try OpenVPNMaterialFile.inline(config, ovpn: settings.config)
        let credentials: OpenVPNCredentials?
        switch config.credentials {
        case .notAsked:
            credentials = nil
        case .asked(let providerFile, let line):
            if let auth = settings.auth {
                credentials = try OpenVPNCredentials.load(auth)
            } else if let providerFile {
                credentials = try OpenVPNMaterialFile.credentials(providerFile, ovpn: settings.config, line: line)
            } else {
                throw .config("\(settings.config):\(line): auth-user-pass asks for a user name and password; put them on two lines of a root-only file (chmod 0600) and add 'openvpn-auth = FILE' to [\(jail.name)]")
            }
        }
        // Warnings once nothing is refused: a refusal is one line.
        if warn {
            if file.readableByOthers && config.material[.key] != nil {
                Console.warn("\(settings.config) holds a private key and is readable by group or other; run: chmod 0600 \(settings.config)")
            }
            if credentials == nil, let auth = settings.auth { Console.warn("\(settings.config) has no auth-user-pass line, so \(auth) (openvpn-auth) is not used") }
            for warning in config.warnings { Console.warn("\(warning)") }
        }
        return (config, credentials)
    }
}

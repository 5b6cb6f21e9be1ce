import Glibc
import NetnsPolicy

/// The files a provider's .ovpn names for its certificates and keys
/// (`ca ca.crt`, `cert`, `key`, `tls-auth ta.key 1`, `tls-crypt`,
/// `tls-crypt-v2`, `extra-certs`) and for its password
/// (`auth-user-pass FILE`), read by netns-jail and put into the files it
/// OpenVPN reads: OpenVPN, as root, opens no path a provider's file names.
///
/// A name is taken relative to the .ovpn's directory (as providers ship
/// them, side by side), or absolute. Each file is reached by the walk root
/// uses for what it runs (TrustedExecutable.openData): every directory
/// from `/` and the file itself root's and not writable by group or other
/// (RootOnly), no link followed out unchecked, read through the descriptor
/// that was checked. What holds a secret (a private key, a static TLS key,
/// the password) must also be closed to group and other. Its contents pass
/// the same PEM check as an inline block (PEMBlock), and a refusal is one
/// line naming the .ovpn's line, the file and the fix.
enum OpenVPNMaterialFile {
    /// `name` as the .ovpn at `ovpn` means it.
    static func resolve(_ name: String, besides ovpn: String) -> String {
        if name.hasPrefix("/") { return name }
        let directory = ovpn.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (directory.isEmpty ? "" : directory) + "/" + name
    }

    /// `config` with every named file read into `material`.
    static func inline(_ config: OpenVPNConfig, ovpn: String) throws(JailError) -> OpenVPNConfig {
        var config = config
        for material in OpenVPNConfig.Material.allCases {
            guard let reference = config.materialFiles[material] else { continue }
            let path = resolve(reference.path, besides: ovpn)
            let place = "\(ovpn):\(reference.line)"
            let (bytes, mode) = try read(path, at: place)
            if material.isSecret, mode & (S_IRWXG | S_IRWXO) != 0 {
                throw .config("\(place): \(path) holds a secret key and is open to group or other; run: chmod 0600 \(path)")
            }
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
                string(trim(line.last == 0x0D ? line.dropLast() : line))
            }
            switch PEMBlock.rewrite(lines, allowed: material.labels) {
            case .success(let pem): config.material[material] = pem
            case .failure(.encrypted):
                throw .config("\(place): \(path) is encrypted, and OpenVPN would wait for a passphrase no one types; decrypt it (openssl pkey -in \(path) -out \(path).plain) and name that")
            case .failure(.label(let label)):
                throw .config("\(place): \(path) holds \(Quoted.text(label)), not \(material.labels.sorted().map { "'\($0)'" }.joined(separator: " or ")); name the right file")
            case .failure(.malformed(let message)):
                throw .config("\(place): \(path): \(message)")
            }
        }
        config.materialFiles = [:]
        return config
    }

    /// The password file `auth-user-pass FILE` names, when the jail's
    /// section has no `openvpn-auth`: walked like the keys, then read with
    /// OpenVPNCredentials' own checks (root's, 0600, two lines).
    static func credentials(_ name: String, ovpn: String, line: Int) throws(JailError) -> OpenVPNCredentials {
        let path = resolve(name, besides: ovpn)
        close(try walked(path, at: "\(ovpn):\(line)"))
        return try OpenVPNCredentials.load(path)
    }

    static let maximumSize = 1 << 20

    private static func walked(_ path: String, at place: String) throws(JailError) -> Int32 {
        do { return try TrustedExecutable.openData(path) } catch { throw .config("\(place): \(error.message)") }
    }

    /// The checked file's bytes and mode, through the walked descriptor.
    private static func read(_ path: String, at place: String) throws(JailError) -> (bytes: [UInt8], mode: mode_t) {
        let checked = try walked(path, at: place)
        defer { close(checked) }
        var st = stat()
        guard fstat(checked, &st) == 0 else { throw .failure("fstat(\(path)): \(String(cString: strerror(errno)))") }
        guard Int(st.st_size) <= maximumSize else { throw .config("\(place): \(path) is larger than 1 MiB; that is not a key or certificate") }
        // An O_PATH descriptor cannot be read; /proc/self/fd/N opens the
        // very file it refers to, not a name.
        let fd = open("/proc/self/fd/\(checked)", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw .failure("open(\(path)): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes: [UInt8]
        do { bytes = try Descriptor.readAll(fd, limit: maximumSize) } catch {
            throw .failure("read(\(path)): \(String(cString: strerror(error.errno)))")
        }
        guard bytes.count <= maximumSize else { throw .config("\(place): \(path) is larger than 1 MiB; that is not a key or certificate") }
        return (bytes, st.st_mode)
    }
}

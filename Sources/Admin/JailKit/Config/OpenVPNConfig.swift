import NetnsPolicy

/// A provider's .ovpn file, as far as netns-jail lets it through: the
/// servers, the directives on the allow-list (OpenVPNDirective) with
/// checked arguments, and the inline keys and certificates as PEM.
/// Nothing else of the file survives parsing; OpenVPNClientFile writes the
/// file OpenVPN reads from this value alone.
public struct OpenVPNConfig: Equatable, Sendable {
    public struct Remote: Equatable, Sendable {
        public var host: String
        public var port: Int?
        /// `udp`, `tcp`, ... (OpenVPNDirective.protocols); nil: `proto`'s.
        public var proto: String?
    }

    /// How the server checks who we are besides the certificate.
    public enum Credentials: Equatable, Sendable {
        /// No `auth-user-pass`: the client certificate alone.
        case notAsked
        /// `auth-user-pass`, with the file name the provider wrote (read by
        /// netns-jail only when the section has no `openvpn-auth`,
        /// OpenVPNMaterialFile; OpenVPN gets the two lines inline).
        case asked(providerFile: String?, line: Int)
    }

    /// The inline blocks netns-jail passes, in the order they are written.
    public enum Material: String, CaseIterable, Sendable {
        case ca, cert, extraCerts = "extra-certs", key, tlsAuth = "tls-auth", tlsCrypt = "tls-crypt", tlsCryptV2 = "tls-crypt-v2"

        /// Whose contents let anyone who reads them pose as this client
        /// (or as the server, for a shared static key): such a file must be
        /// closed to group and other.
        var isSecret: Bool { [.key, .tlsAuth, .tlsCrypt, .tlsCryptV2].contains(self) }

        /// PEM labels each block may hold. An encrypted key is not here:
        /// OpenVPN would ask for its passphrase, and no one can answer.
        var labels: Set<String> {
            switch self {
            case .ca, .extraCerts: return ["CERTIFICATE", "TRUSTED CERTIFICATE"]
            case .cert: return ["CERTIFICATE"]
            case .key: return ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]
            case .tlsAuth, .tlsCrypt: return ["OpenVPN Static key V1"]
            case .tlsCryptV2: return ["OpenVPN tls-crypt-v2 client key"]
            }
        }
    }

    public var remotes: [Remote] = []
    /// `proto`; nil: OpenVPN's default, UDP.
    public var proto: String?
    /// Directives that pass, name first, in file order.
    public var options: [[String]] = []
    /// PEM text of each inline block.
    public var material: [Material: String] = [:]
    /// A file the .ovpn names instead of a block (`ca ca.crt`): as
    /// written, with its line. ConfigLoader.openvpn reads each one
    /// (OpenVPNMaterialFile), puts its PEM into `material` and empties this.
    public struct FileReference: Equatable, Sendable {
        public let path: String
        public let line: Int
    }
    public var materialFiles: [Material: FileReference] = [:]
    /// `tls-auth [inline] 1`: the direction given on the directive.
    public var tlsAuthDirection: String?
    public var credentials = Credentials.notAsked
    /// One line per ignored directive or block.
    public var warnings: [Diagnostic] = []

    /// Whether any server is reached over TCP (the kill switch and status
    /// care which protocol leaves the host).
    public var protocols: Set<String> {
        Set(remotes.map { ($0.proto ?? proto ?? "udp").hasPrefix("tcp") ? "tcp" : "udp" })
    }

    public static let maximumRemotes = 64

    public static func parse(text: String, file: String) throws(ConfigFailure) -> OpenVPNConfig {
        try parse(bytes: Array(text.utf8), file: file)
    }

    public static func parse(bytes: [UInt8], file: String) throws(ConfigFailure) -> OpenVPNConfig {
        var parser = OpenVPNParser(file: file)
        return try parser.parse(bytes)
    }
}

/// The PEM sections of an inline block, checked and rewritten; everything
/// around them (the text `openssl x509 -text` prints, `#` comments of a
/// static key file) is dropped, as OpenSSL itself skips it.
enum PEMBlock {
    static func rewrite(_ lines: [String], allowed: Set<String>) -> Result<String, PEMProblem> {
        var out = ""
        var open: String? = nil
        var sections = 0
        for line in lines {
            if let label = marker(line, "BEGIN") {
                guard open == nil else { return .failure(.malformed("a BEGIN line comes before the END of \(open!)")) }
                guard allowed.contains(label) else { return .failure(.label(label)) }
                open = label
                out += line + "\n"
            } else if let label = marker(line, "END") {
                guard open == label else { return .failure(.malformed("-----END \(label)----- does not close the section it is in")) }
                open = nil
                sections += 1
                out += line + "\n"
            } else if open != nil {
                if line.utf8.contains(UInt8(ascii: ":")) { return .failure(.encrypted) }
                guard !line.isEmpty, line.utf8.count <= 128, line.utf8.allSatisfy(isBase64) else {
                    return .failure(.malformed("a line inside -----BEGIN \(open!)----- is not base64"))
                }
                out += line + "\n"
            }
        }
        if let open { return .failure(.malformed("-----BEGIN \(open)----- has no END line")) }
        guard sections > 0 else { return .failure(.malformed("no -----BEGIN ...----- section")) }
        return .success(out)
    }

    enum PEMProblem: Error, Equatable {
        case malformed(String)
        case label(String)
        case encrypted
    }

    private static func marker(_ line: String, _ kind: String) -> String? {
        let prefix = "-----\(kind) ", suffix = "-----"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix), line.utf8.count > prefix.utf8.count + suffix.utf8.count else { return nil }
        let label = String(line.dropFirst(prefix.count).dropLast(suffix.count))
        return label.utf8.allSatisfy({ isAlphanumeric($0) || $0 == 0x20 || $0 == UInt8(ascii: "-") }) ? label : nil
    }

    private static func isBase64(_ b: UInt8) -> Bool {
        isAlphanumeric(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
    }
}

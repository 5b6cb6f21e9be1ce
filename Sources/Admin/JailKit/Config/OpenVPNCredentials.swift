import Glibc

/// The user name and password of `auth-user-pass`, from the jail's
/// `openvpn-auth = FILE`: two lines, as OpenVPN's own file form.
///
/// The file holds a password that lets anyone use the account, so it must
/// be root's and closed to group and other, and it is read once, through
/// one descriptor (ConfigFile). OpenVPN never opens it: the two lines go
/// inline into the file netns-jail writes for OpenVPN, which is root's and
/// 0600 too (OpenVPNClientFile).
public struct OpenVPNCredentials: Equatable, Sendable {
    public let user: String
    public let password: String

    /// OpenVPN 2.6 takes up to 4095 bytes (USER_PASS_LEN); a token-style
    /// password fits, and anything longer is not a password.
    static let maximumLength = 4095

    public static func load(_ path: String) throws(JailError) -> OpenVPNCredentials {
        let file = try ConfigFile.read(path)
        guard file.owner == 0 else {
            throw .config("\(path) holds the VPN password and is not owned by root; run: chown root:root \(path)")
        }
        guard file.mode & (S_IRWXG | S_IRWXO) == 0 else {
            throw .config("\(path) holds the VPN password and is open to group or other; run: chmod 0600 \(path)")
        }
        switch parse(file.bytes) {
        case .success(let credentials): return credentials
        case .failure(let problem): throw .config("\(path): \(problem.message)")
        }
    }

    struct Problem: Error, Equatable { let message: String }

    /// Line 1 the user name, line 2 the password; CRLF and a final newline
    /// are accepted, anything else on further lines is not.
    static func parse(_ bytes: [UInt8]) -> Result<OpenVPNCredentials, Problem> {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { $0.last == 0x0D ? $0.dropLast() : $0 }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.count == 2, !lines[0].isEmpty, !lines[1].isEmpty else {
            return .failure(Problem(message: "must hold two lines: the user name, then the password"))
        }
        for line in lines {
            guard line.count <= maximumLength else { return .failure(Problem(message: "a line is longer than \(maximumLength) bytes")) }
            // A control byte would change the line structure of OpenVPN's
            // file; a line starting `</` could close the inline block.
            guard !line.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                return .failure(Problem(message: "a line holds a control byte (only text is accepted)"))
            }
            guard !line.starts(with: Array("</".utf8)) else {
                return .failure(Problem(message: "a line starts with '</', which OpenVPN would read as the end of the block"))
            }
            guard String(validating: line, as: UTF8.self) != nil else {
                return .failure(Problem(message: "a line is not UTF-8 text"))
            }
        }
        return .success(OpenVPNCredentials(user: string(lines[0]), password: string(lines[1])))
    }
}

import Glibc
import NetnsHost

/// /etc/netns/NAME/resolv.conf: the jail's resolvers. `netns-exec` shows it
/// as /etc/resolv.conf in the jail (a copy in its read-only overlay on /etc,
/// SECURITY.md "The /etc overlay"), and refuses a file (or directory) that is not
/// root-owned or is writable by group or other, so it is written 0644 in a
/// 0755 directory, atomically (temporary file, then rename).
public struct ResolvConf: Sendable {
    public let servers: [IPAddress]
    public let searchDomains: [String]

    public init(servers: [IPAddress], searchDomains: [String]) {
        self.servers = servers
        self.searchDomains = searchDomains
    }

    public init(_ config: WireGuardConfig) {
        self.init(servers: config.interface.dnsServers, searchDomains: config.interface.searchDomains)
    }

    public func text(jail: String, source: String) -> String {
        var out = "# Written by netns-jail up \(jail) from \(source); do not edit.\n"
        if servers.isEmpty {
            // With no nameserver line glibc asks 127.0.0.1, which in the jail
            // is only the jail's own lo: lookups fail rather than leave.
            out += "# No DNS server is known (yet), so name lookups fail.\n"
        }
        for server in servers { out += "nameserver \(server)\n" }
        if !searchDomains.isEmpty { out += "search \(searchDomains.joined(separator: " "))\n" }
        return out
    }

    /// The nameservers listed in a resolv.conf, in order.
    public static func servers(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.count >= 2 && words[0] == "nameserver" ? String(words[1]) : nil
        }
    }

    /// Creates `directory` 0755 if needed. Returns whether this call created it.
    static func ensureDirectory(_ path: String) throws(JailError) -> Bool {
        if mkdir(path, 0o755) == 0 {
            chmod(path, 0o755) // the umask may have removed bits; 0755 is what the launcher expects
            return true
        }
        guard errno == EEXIST else {
            throw .failure("mkdir(\(path)): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw .failure("\(path) exists and is not a directory; remove it")
        }
        if let refusal = RootOnly.refusal(owner: st.st_uid, mode: st.st_mode, path: path) { throw .failure(refusal) }
        return false
    }

    /// Writes `text` to `path` as root:root `mode` (0644 for resolv.conf;
    /// 0600 for what holds a secret), through AtomicFile.
    static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(JailError) {
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(Array(text.utf8), to: path, mode: mode)
        } catch { throw .failure(error.message) }
    }
}

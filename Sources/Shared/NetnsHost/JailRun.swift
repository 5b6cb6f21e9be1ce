/// What the jail's /run hides: the one list, used by the launcher (RunView
/// builds the jail's /run without these names) and by netns-jail (`doctor`
/// reports them; the port-forward hook runs in the launcher's view).
///
/// A socket on the filesystem ignores network namespaces, so a jailed
/// getaddrinfo() that reached nscd, systemd-resolved or avahi would be
/// answered by the host, over the host's uplink: a DNS leak. RunView says
/// why these names are left out of a /run of the jail's own rather than
/// covered by a mount.
public enum JailRun {
    /// Relative to /run (and to /var/run where that is a directory of its
    /// own rather than the usual link to /run).
    public static let hidden = [
        "nscd",              // glibc's nscd client, unscd
        "systemd/resolve",   // nss-resolve's varlink socket
        "avahi-daemon",      // nss-mdns
    ]
    /// The directories rebuilt: /run, and /var/run where it is its own.
    public static let roots = ["/run", "/var/run"]

    /// What a directory of the jail's /run leaves out, as paths relative
    /// to that directory, in bytes.
    public struct Rules: Equatable {
        /// Left out.
        public var hidden: [[UInt8]]
        /// Rebuilt with only the entries RuntimeDirectory shows.
        public var filtered: [[UInt8]]

        public init(hidden: [[UInt8]], filtered: [[UInt8]]) {
            self.hidden = hidden
            self.filtered = filtered
        }

        /// The rules at the top of /run: the hidden list, and where the
        /// jail keeps its own state (`runtimeDirectoryOf`, the caller's
        /// uid), /run/user/UID filtered by RuntimeDirectory.
        public static func top(runtimeDirectoryOf uid: UInt32?) -> Rules {
            Rules(hidden: JailRun.hidden.map { Array($0.utf8) },
                  filtered: uid.map { [Array("user/\($0)".utf8)] } ?? [])
        }

        /// The rules for the entry `name`, relative to it.
        public func below(_ name: [UInt8]) -> Rules {
            Rules(hidden: Rules.under(name, hidden), filtered: Rules.under(name, filtered))
        }

        public var isEmpty: Bool { hidden.isEmpty && filtered.isEmpty }

        static func under(_ name: [UInt8], _ paths: [[UInt8]]) -> [[UInt8]] {
            let prefix = name + [UInt8(ascii: "/")]
            return paths.compactMap { $0.starts(with: prefix) ? Array($0.dropFirst(prefix.count)) : nil }
        }
    }
}

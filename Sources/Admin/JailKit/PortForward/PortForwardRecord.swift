import Glibc

/// What the supervisor knows about a jail's forwarded port, in two files
/// in /run/netns-jail (root's directory; readable by everyone, also from
/// inside the jail, whose /run is the host's minus resolver sockets):
///  - NAME.port: the port alone, present while the mapping is live, for
///    scripts (`read port < /run/netns-jail/NAME.port`);
///  - NAME.port-forward: this record, one `key=value` a line, for `status`.
/// Both are replaced by rename, so a reader never sees half a file.
public struct PortForwardRecord: Sendable, Equatable, Codable {
    public var port: Int?
    /// Seconds the gateway granted at the last renewal.
    public var lease: Int
    /// Wall-clock time of the last renewal, 0 when there was none.
    public var renewed: Int
    public var publicAddress: String?
    /// Why the last attempt failed; nil when it succeeded.
    public var error: String?

    public init(port: Int?, lease: Int, renewed: Int, publicAddress: String?, error: String?) {
        self.port = port
        self.lease = lease
        self.renewed = renewed
        self.publicAddress = publicAddress
        self.error = error
    }

    /// A mapping renewed less than a lease ago is live.
    public func live(now: Int) -> Bool { port != nil && renewed > 0 && now - renewed <= lease }

    var text: String {
        var out = "port=\(port.map(String.init) ?? "")\nlease=\(lease)\nrenewed=\(renewed)\n"
        out += "public=\(publicAddress ?? "")\nerror=\(error.map(PortForwardRecord.oneLine) ?? "")\n"
        return out
    }

    /// Parses `text`; nil when it is not a record (a file root writes, but
    /// read by `status` with care all the same).
    static func parse(_ bytes: [UInt8]) -> PortForwardRecord? {
        var values: [String: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            values[string(line[line.startIndex..<eq])] = string(line[line.index(after: eq)...])
        }
        guard let lease = values["lease"].flatMap({ Int($0) }), let renewed = values["renewed"].flatMap({ Int($0) }) else { return nil }
        let port = values["port"].flatMap { Int($0) }.flatMap { (1...65535).contains($0) ? $0 : nil }
        func nonEmpty(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        return PortForwardRecord(port: port, lease: lease, renewed: renewed, publicAddress: nonEmpty("public"), error: nonEmpty("error"))
    }

    public static func read(_ paths: JailPaths) -> PortForwardRecord? {
        parse(readSmallFile(paths.portForwardFile, limit: 4096))
    }

    /// Writes the record, and NAME.port while the mapping is live.
    func write(_ paths: JailPaths, now: Int) {
        PortForwardRecord.replace(paths.portForwardFile, with: text)
        if live(now: now), let port {
            PortForwardRecord.replace(paths.portFile, with: "\(port)\n")
        } else {
            unlink(paths.portFile)
        }
    }

    /// The jail is gone (`down`, or its supervisor finds it gone): its
    /// records go, and the hook's log with them, as the tunnel's logs go.
    static func remove(_ paths: JailPaths) {
        unlink(paths.portFile)
        unlink(paths.portForwardFile)
        unlink(paths.portForwardHookLog)
    }

    /// Replaces `path` (AtomicFile); a failure is logged, and the old
    /// record stays.
    static func replace(_ path: String, with text: String) {
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch { SystemLog.warning(error.message) }
    }

    static func oneLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}

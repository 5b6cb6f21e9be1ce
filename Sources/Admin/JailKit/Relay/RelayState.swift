import Glibc

/// What a jail's relay process (`netns-jail relay NAME`, started by the
/// supervisor) serves, from /run/netns-jail/NAME.relay, which the relay
/// writes while it is still root, once it has every listener it can have:
///
///     pid 4242
///     serves 5 publish 127.0.0.1:18080 -> jail 127.0.0.1:8080
///     unserved publish 127.0.0.1:18081 -> jail 127.0.0.1:8081<TAB>bind(127.0.0.1:18081): Address already in use
///
/// Each line of the configuration is served (with the number of its
/// listening descriptor in the relay, which the next relay takes over,
/// RelayHandover) or unserved with the reason; one line that cannot be
/// served leaves the others serving. `failed REASON` instead means the
/// relay as a whole could not start (its namespace is gone, it could not
/// drop root). The PID is trusted only while it still runs
/// `netns-jail relay ... NAME`.
public struct RelayState: Sendable, Equatable {
    public struct Served: Sendable, Equatable {
        /// A RelaySpec description.
        public let relay: String
        /// Its listening socket in the relay process; nil in a record
        /// written before descriptors were recorded.
        public let fd: Int32?
    }
    public struct Unserved: Sendable, Equatable {
        public let relay: String
        public let reason: String
        public init(relay: String, reason: String) { self.relay = relay; self.reason = reason }
    }

    /// The relay, when it runs.
    public let pid: Int32?
    /// In the configuration's order.
    public let served: [Served]
    public let unserved: [Unserved]
    public let failure: String?

    public var serving: [String] { served.map(\.relay) }

    /// The record of the running relay, its PID checked.
    public static func read(_ paths: JailPaths) -> RelayState {
        let state = parse(paths.relayStateFile)
        guard let recorded = state.pid, isRelay(recorded, paths) else {
            return RelayState(pid: nil, served: state.served, unserved: state.unserved, failure: state.failure)
        }
        return state
    }

    /// The record `up` handed over to the next relay (requestSuccessor),
    /// PID unchecked: the relay checks it on a pidfd, which cannot change
    /// process under it (RelayHandover).
    public static func handedOver(_ paths: JailPaths) -> RelayState { parse(paths.relayHandoverFile) }

    static func parse(_ path: String) -> RelayState {
        parse(text: String(decoding: readSmallFile(path, limit: 16384), as: UTF8.self))
    }

    static func parse(text: String) -> RelayState {
        var pid: Int32?, served: [Served] = [], unserved: [Unserved] = [], failure: String?
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("pid ") { pid = Int32(line.dropFirst(4)) }
            else if line.hasPrefix("failed ") { failure = String(line.dropFirst(7)) }
            else if line.hasPrefix("unserved ") {
                let parts = line.dropFirst(9).split(separator: "\t", maxSplits: 1).map(String.init)
                unserved.append(Unserved(relay: parts[0], reason: parts.count == 2 ? parts[1] : "unknown"))
            } else if line.hasPrefix("serves "), let space = line.dropFirst(7).firstIndex(of: " "),
                      let fd = Int32(line[line.index(line.startIndex, offsetBy: 7)..<space]) {
                served.append(Served(relay: String(line[line.index(after: space)...]), fd: fd))
            } else {
                served.append(Served(relay: line, fd: nil))
            }
        }
        return RelayState(pid: pid, served: served, unserved: unserved, failure: failure)
    }

    /// The relay's own record, written as root before it drops privileges
    /// (a temporary file renamed into place, in root's directory).
    public static func write(_ paths: JailPaths, served: [(relay: String, fd: Int32)], unserved: [Unserved] = [],
                             failure: String? = nil) -> Bool {
        var text = "pid \(getpid())\n" + served.map { "serves \($0.fd) \($0.relay)\n" }.joined()
        text += unserved.map { "unserved \($0.relay)\t\(oneLine($0.reason))\n" }.joined()
        if let failure { text += "failed \(oneLine(failure))\n" }
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(Array(text.utf8), to: paths.relayStateFile)
            return true
        } catch { return false }
    }

    private static func oneLine(_ text: String) -> String {
        String(text.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).first ?? "")
    }

    /// True when `pid` runs `netns-jail relay ... NAME`.
    public static func isRelay(_ pid: Int32, _ paths: JailPaths) -> Bool {
        let argv = ProcessesInside.arguments(of: pid).filter { !$0.isEmpty }
        return pid > 1 && argv.contains("relay") && argv.last == paths.name.value
            && argv.first.map { $0.hasSuffix("netns-jail") } == true
    }

    /// The record is about exactly these lines: each served or unserved,
    /// none other (the relay may have exited if it could serve none).
    public func accounts(for relays: [RelaySpec]) -> Bool {
        failure == nil && served.count + unserved.count == relays.count
            && relays.allSatisfy { r in served.contains { $0.relay == r.description } || unserved.contains { $0.relay == r.description } }
    }

    /// True when it runs and serves every one of `relays`.
    public func serves(_ relays: [RelaySpec]) -> Bool {
        pid != nil && unserved.isEmpty && accounts(for: relays)
    }

    /// Why the configured relays are not all served, one sentence each,
    /// for `status` (a jail whose web UI is not published is not healthy).
    public func problems(for relays: [RelaySpec], supervisor: Int32?) -> [String] {
        guard !relays.isEmpty, !serves(relays) else { return [] }
        if let failure { return ["its relay failed: \(failure) (see syslog); fix it and run netns-jail up"] }
        if supervisor == nil { return ["nothing serves its publish and host-service lines: its supervisor does not run; run netns-jail up"] }
        if accounts(for: relays) && !unserved.isEmpty {
            return unserved.map { "\($0.relay) is not served: \($0.reason); fix that line in netns-jail.conf (or stop what holds its port) and run netns-jail up" }
        }
        if pid == nil { return ["its relay does not run yet (its supervisor starts it)"] }
        return ["its relay serves an older configuration; run netns-jail up to apply the edit"]
    }

    /// Asks the jail's supervisor for a relay of the current
    /// configuration (`up` after an edit, RelayChild): the record of the
    /// running relay becomes the hand-over record, from which the new
    /// relay takes the listening sockets of the lines it keeps and which
    /// tells it whom to end once it serves.
    public static func requestSuccessor(_ paths: JailPaths) {
        if rename(paths.relayStateFile, paths.relayHandoverFile) != 0 {
            let fd = open(paths.relayHandoverFile, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 { close(fd) }
        }
    }

    /// Ends the running relay (`up` after the last line was removed).
    public func stop() {
        if let pid { ProcessesInside.terminate([pid], grace: 2) }
    }

    /// Removes the records and the published sockets (`down`), and the
    /// jail's directory once empty: the live resolv.conf there is the last
    /// part `down` removes (JailResolvConf.remove).
    public static func removeFiles(_ paths: JailPaths) {
        unlink(paths.relayStateFile)
        unlink(paths.relayHandoverFile)
        guard let dir = opendir(paths.jailDirectory) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            var st = stat()
            let path = "\(paths.jailDirectory)/\(name)"
            if name != "." && name != "..", lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
        }
        closedir(dir)
        rmdir(paths.jailDirectory)
    }
}

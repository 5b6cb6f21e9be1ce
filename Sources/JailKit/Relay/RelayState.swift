import Glibc

/// What a jail's relay process (`netns-jail relay NAME`, started by the
/// supervisor) serves, from /run/netns-jail/NAME.relay, which the relay
/// writes while it is still root, once every listener is bound, or with
/// the reason it could not start:
///
///     pid 4242
///     publish 127.0.0.1:18080 -> jail 127.0.0.1:8080
///     failed bind(127.0.0.1:18080): Address already in use
///
/// The PID is trusted only while it still runs `netns-jail relay ... NAME`.
public struct RelayState: Sendable, Equatable {
    /// The relay, when it runs.
    public let pid: Int32?
    /// RelaySpec descriptions, in the configuration's order.
    public let serving: [String]
    public let failure: String?

    public static func read(_ paths: JailPaths) -> RelayState {
        let text = String(decoding: readSmallFile(paths.relayStateFile, limit: 16384), as: UTF8.self)
        var pid: Int32?, serving: [String] = [], failure: String?
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("pid ") { pid = Int32(line.dropFirst(4)) }
            else if line.hasPrefix("failed ") { failure = String(line.dropFirst(7)) }
            else { serving.append(line) }
        }
        guard let recorded = pid, isRelay(recorded, paths) else { return RelayState(pid: nil, serving: [], failure: failure) }
        return RelayState(pid: recorded, serving: serving, failure: failure)
    }

    /// The relay's own record, written as root before it drops privileges
    /// (a temporary file renamed into place, in root's directory).
    public static func write(_ paths: JailPaths, serving: [String], failure: String? = nil) -> Bool {
        var text = "pid \(getpid())\n" + serving.map { "\($0)\n" }.joined()
        if let failure { text += "failed \(failure.split(separator: "\n").first ?? "")\n" }
        let temporary = paths.relayStateFile + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        let written = Descriptor.writeAll(fd, Array(text.utf8))
        close(fd)
        guard written, rename(temporary, paths.relayStateFile) == 0 else { unlink(temporary); return false }
        return true
    }

    static func isRelay(_ pid: Int32, _ paths: JailPaths) -> Bool {
        let argv = ProcessesInside.arguments(of: pid).filter { !$0.isEmpty }
        return pid > 1 && argv.contains("relay") && argv.last == paths.name.value
            && argv.first.map { $0.hasSuffix("netns-jail") } == true
    }

    /// True when it runs and serves exactly `relays`.
    public func serves(_ relays: [RelaySpec]) -> Bool {
        pid != nil && failure == nil && serving == relays.map(\.description)
    }

    /// Why the configured relays are not served, one sentence each, for
    /// `status` (a jail whose web UI is not published is not healthy).
    public func problems(for relays: [RelaySpec], supervisor: Int32?) -> [String] {
        guard !relays.isEmpty, !serves(relays) else { return [] }
        if let failure { return ["its relay failed: \(failure) (see syslog); fix it and run netns-jail up"] }
        if supervisor == nil { return ["nothing serves its publish and host-service lines: its supervisor does not run; run netns-jail up"] }
        if pid == nil { return ["its relay does not run yet (its supervisor starts it)"] }
        return ["its relay serves an older configuration; run netns-jail up to apply the edit"]
    }

    /// Ends the running relay so that the supervisor starts one with the
    /// current configuration (`up` after an edit).
    public func stop() {
        if let pid { ProcessesInside.terminate([pid], grace: 2) }
    }

    /// Removes the record and the jail's socket directory (`down`).
    public static func removeFiles(_ paths: JailPaths) {
        unlink(paths.relayStateFile)
        guard let dir = opendir(paths.relayDirectory) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink("\(paths.relayDirectory)/\(name)") }
        }
        closedir(dir)
        rmdir(paths.relayDirectory)
    }
}

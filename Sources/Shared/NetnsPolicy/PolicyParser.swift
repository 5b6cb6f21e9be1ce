/// The grammar of /etc/netns-exec.conf:
///
///     file    = { line }
///     line    = [ entry ] [ "#" comment ] newline
///     entry   = NAMESPACE { member | option }
///     member  = USER | "@" GROUP
///     option  = "require=" IFACE | "host-ptrace=allow" | "userns=" ( "allow" | "deny" )
///             | "state=" ( "per-jail" | "shared" ) | "resolver=" ( "jail" | "host" )
///             | "share=" FOLDER { "," FOLDER }
///
/// Tokens are separated by spaces or tabs (a trailing CR is tolerated). Only
/// printable ASCII is allowed outside comments. A namespace may appear once,
/// and must admit at least one member.
struct PolicyParser {
    /// Longest line we look at; longer lines are errors, not truncations.
    static let maximumLineLength = 4096

    private var errors: [PolicyError] = []
    private var entries: [PolicyEntry] = []

    mutating func parse(_ text: [UInt8]) throws(PolicyParseFailure) -> Policy {
        var lineNumber = 0
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            parseLine(line, number: lineNumber)
        }
        if !errors.isEmpty { throw PolicyParseFailure(errors: errors) }
        return Policy(entries: entries)
    }

    private mutating func parseLine(_ raw: ArraySlice<UInt8>, number: Int) {
        guard raw.count <= PolicyParser.maximumLineLength else {
            fail(number, "line is longer than \(PolicyParser.maximumLineLength) bytes")
            return
        }
        var content = raw
        if let hash = content.firstIndex(of: UInt8(ascii: "#")) {
            content = content[content.startIndex..<hash]
        }
        if let bad = content.first(where: { !Self.isTokenByte($0) && !Self.isBlank($0) }) {
            fail(number, "unexpected byte \(Quoted.byte(bad)); only printable ASCII is allowed")
            return
        }
        let tokens = content.split(whereSeparator: Self.isBlank).map { String(decoding: $0, as: UTF8.self) }
        guard let first = tokens.first else { return }

        guard let namespace = NamespaceName(first) else {
            fail(number, "invalid namespace name \(Quoted.text(first)): \(NamespaceName.rule)")
            return
        }
        if let earlier = entries.first(where: { $0.namespace == namespace }) {
            fail(number, "namespace \(namespace) is already listed on line \(earlier.line)")
            return
        }

        var members: [Member] = []
        var required: InterfaceName?
        var allowsHostPtrace = false
        var permitsUserNamespaces: Bool?
        var sharesState: Bool?
        var usesHostResolver: Bool?
        var sharedFolders: [String] = []
        var lineIsValid = true
        for token in tokens.dropFirst() {
            if let eq = token.firstIndex(of: "=") {
                let key = String(token[..<eq])
                let value = String(token[token.index(after: eq)...])
                if key == "host-ptrace" {
                    if value == "allow" { allowsHostPtrace = true; continue }
                    fail(number, "host-ptrace= takes only 'allow' (see netns-exec.conf(5))")
                    lineIsValid = false
                    continue
                }
                if key == "userns" {
                    guard value == "allow" || value == "deny" else {
                        fail(number, "userns= takes 'allow' or 'deny' (see netns-exec.conf(5))")
                        lineIsValid = false
                        continue
                    }
                    guard permitsUserNamespaces == nil else {
                        fail(number, "userns= is given twice")
                        lineIsValid = false
                        continue
                    }
                    permitsUserNamespaces = value == "allow"
                    continue
                }
                if key == "state" {
                    guard value == "per-jail" || value == "shared" else {
                        fail(number, "state= takes 'per-jail' or 'shared' (see netns-exec.conf(5))")
                        lineIsValid = false
                        continue
                    }
                    guard sharesState == nil else {
                        fail(number, "state= is given twice")
                        lineIsValid = false
                        continue
                    }
                    sharesState = value == "shared"
                    continue
                }
                if key == "share" {
                    // The rule is SharedFolder's (the launcher applies it
                    // to the user's lists too).
                    let folders = value.split(separator: ",").map { SharedFolder.normalized(String($0)) }
                    guard !folders.isEmpty, !folders.contains(nil) else {
                        fail(number, "share= takes folders inside the home, such as share=Games,Projects/shared (not absolute, no . or .., not .netns-exec; see netns-exec.conf(5))")
                        lineIsValid = false
                        continue
                    }
                    for case let folder? in folders where !sharedFolders.contains(folder) { sharedFolders.append(folder) }
                    continue
                }
                if key == "resolver" {
                    guard value == "jail" || value == "host" else {
                        fail(number, "resolver= takes 'jail' or 'host' (see netns-exec.conf(5))")
                        lineIsValid = false
                        continue
                    }
                    guard usesHostResolver == nil else {
                        fail(number, "resolver= is given twice")
                        lineIsValid = false
                        continue
                    }
                    usesHostResolver = value == "host"
                    continue
                }
                guard key == "require" else {
                    fail(number, "unknown option \(Quoted.text(key)); the options are require=INTERFACE, state=per-jail|shared, share=FOLDERS, resolver=jail|host, userns=allow|deny and \(ProcessIsolation.optOutOption)")
                    lineIsValid = false
                    continue
                }
                guard required == nil else {
                    fail(number, "require= is given twice")
                    lineIsValid = false
                    continue
                }
                guard let interface = InterfaceName(value) else {
                    fail(number, "invalid interface name \(Quoted.text(value)) in require=")
                    lineIsValid = false
                    continue
                }
                required = interface
            } else if let member = Member(token) {
                if !members.contains(member) { members.append(member) }
            } else {
                fail(number, "invalid user or @group \(Quoted.text(token))")
                lineIsValid = false
            }
        }
        guard lineIsValid else { return }
        guard !members.isEmpty else {
            fail(number, "namespace \(namespace) lists no user or @group; add one or remove the line")
            return
        }
        entries.append(PolicyEntry(namespace: namespace, members: members,
                                   requiredInterface: required, allowsHostPtrace: allowsHostPtrace,
                                   sharesState: sharesState ?? false,
                                   permitsUserNamespaces: permitsUserNamespaces ?? true,
                                   usesHostResolver: usesHostResolver ?? false,
                                   sharedFolders: sharedFolders, line: number))
    }

    private mutating func fail(_ line: Int, _ message: String) {
        errors.append(PolicyError(line: line, message: message))
    }

    static func isBlank(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
    }

    static func isTokenByte(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
}

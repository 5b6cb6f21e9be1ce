import NetnsPolicy

/// Reads a provider's .ovpn file into an `OpenVPNConfig`, collecting every
/// problem, with OpenVPN's own grammar (OpenVPNToken) and OpenVPN's names
/// (case-sensitive; a leading `--` is dropped, as OpenVPN does in files).
/// What a directive may do is OpenVPNDirective's table; this file handles
/// the directives with structure: `remote`, `proto`, `auth-user-pass`, the
/// inline blocks and the directives that name them, and `dev`.
struct OpenVPNParser {
    static let maximumErrors = 50

    let file: String
    private var errors: [Diagnostic] = []
    private var config = OpenVPNConfig()
    /// Blocks announced by `ca [inline]` and friends, or seen.
    private var materialLine: [OpenVPNConfig.Material: Int] = [:]
    private var lastLine = 0

    init(file: String) { self.file = file }

    mutating func parse(_ input: [UInt8]) throws(ConfigFailure) -> OpenVPNConfig {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }   // a BOM from a Windows editor
        var block: (tag: String, line: Int, lines: [String])? = nil
        for (number, rawLine) in ConfigLine.lines(Array(bytes)) {
            lastLine = number
            if errors.count >= Self.maximumErrors { fail(number, "too many errors; stopping here"); break }
            var raw = rawLine
            if raw.last == 0x0D { raw = raw.dropLast() }   // CRLF files are common from providers
            let trimmed = trim(raw)
            if var open = block {
                if string(trimmed) == "</\(open.tag)>" {
                    block = nil
                    closeBlock(open.tag, line: open.line, open.lines)
                } else if raw.contains(0) {
                    fail(number, "line contains a NUL byte")
                } else {
                    open.lines.append(string(trimmed))
                    block = open
                }
                continue
            }
            if let tag = blockTag(trimmed) {
                block = (tag, number, [])
                continue
            }
            switch OpenVPNToken.lex(raw) {
            case .blank: continue
            case .malformed(let message): fail(number, message)
            case .words(var words):
                if words[0].hasPrefix("--") { words[0] = String(words[0].dropFirst(2)) }
                directive(words[0], Array(words.dropFirst()), line: number)
            }
        }
        if let open = block { fail(open.line, "<\(open.tag)> has no </\(open.tag)> line") }
        finish()
        if !errors.isEmpty { throw ConfigFailure(errors) }
        return config
    }

    /// `<name>` alone on a line opens an inline block.
    private func blockTag(_ line: ArraySlice<UInt8>) -> String? {
        guard line.count >= 3, line.first == UInt8(ascii: "<"), line.last == UInt8(ascii: ">") else { return nil }
        let name = line.dropFirst().dropLast()
        guard !name.isEmpty, name.count <= 64,
              name.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) else { return nil }
        return string(name)
    }

    private mutating func closeBlock(_ tag: String, line: Int, _ lines: [String]) {
        guard let material = OpenVPNConfig.Material(rawValue: tag) else {
            switch tag {
            case "connection": fail(line, OpenVPNDirective.refused["connection"]!)
            case "auth-user-pass":
                fail(line, "<auth-user-pass> puts the VPN password in the .ovpn; move its two lines into a root-only file (chmod 0600) and name it with 'openvpn-auth = FILE' in the jail's section")
            default:
                switch OpenVPNDirective.verdict(tag) {
                case .refused(let message): fail(line, message)
                case .ignored(let reason): warn(line, "ignoring <\(tag)>: \(reason)")
                case .passed, .ours: warn(line, "ignoring <\(tag)>: \(OpenVPNDirective.unknown)")
                }
            }
            return
        }
        if config.material[material] != nil { fail(line, "<\(tag)> appears twice"); return }
        switch PEMBlock.rewrite(lines, allowed: material.labels) {
        case .success(let pem):
            config.material[material] = pem
            materialLine[material] = line
        case .failure(.encrypted):
            fail(line, "<\(tag)> is encrypted, and OpenVPN would wait for a passphrase no one types; decrypt it (openssl pkey -in KEY -out KEY.plain) and inline that")
        case .failure(.label(let label)):
            fail(line, "<\(tag)> holds \(Quoted.text(label)), not \(material.labels.sorted().map { "'\($0)'" }.joined(separator: " or "))")
        case .failure(.malformed(let message)):
            fail(line, "<\(tag)>: \(message)")
        }
    }

    private mutating func directive(_ name: String, _ args: [String], line: Int) {
        switch name {
        case "remote": remote(args, line: line)
        case "proto":
            guard args.count == 1, OpenVPNDirective.protocols.contains(args[0]) else {
                fail(line, "proto takes one of \(OpenVPNDirective.protocols.sorted().joined(separator: ", "))")
                return
            }
            config.proto = args[0]
        case "auth-user-pass":
            guard args.count <= 1 else { fail(line, "auth-user-pass takes at most a file name"); return }
            config.credentials = .asked(providerFile: args.first, line: line)
        case "dev":
            guard args.count == 1, args[0].hasPrefix("tun") else {
                fail(line, "only tun devices are supported ('dev tun'); a tap config needs a bridge, which a jail does not have")
                return
            }
        case "dev-type":
            guard args == ["tun"] else { fail(line, "only 'dev-type tun' is supported"); return }
        case let other where OpenVPNConfig.Material(rawValue: other) != nil:
            materialDirective(OpenVPNConfig.Material(rawValue: other)!, args, line: line)
        default:
            switch OpenVPNDirective.verdict(name) {
            case .passed(let rule):
                guard rule.count.contains(args.count) else {
                    fail(line, "\(name) takes \(arguments(rule.count))")
                    return
                }
                if let problem = rule.check(args) { fail(line, "\(name) \(problem)"); return }
                if let bad = args.first(where: { !OpenVPNToken.isPlain($0) && !(name == "verify-x509-name" && OpenVPNToken.isPrintable($0, spaces: true)) }) {
                    fail(line, "\(name): \(Quoted.text(bad)) holds a quote, backslash or blank")
                    return
                }
                config.options.append([name] + args)
            case .ours: return
            case .ignored(let reason): warn(line, "ignoring \(Quoted.text(name)): \(reason)")
            case .refused(let message): fail(line, message)
            }
        }
    }

    /// `remote HOST [PORT [PROTO]]`: an IP address or a DNS name (OpenVPN
    /// resolves it, in the host's namespace, where its socket lives).
    private mutating func remote(_ args: [String], line: Int) {
        guard (1...3).contains(args.count) else { fail(line, "remote takes HOST [PORT [PROTO]]"); return }
        let host = args[0]
        let isAddress = IPAddress(host) != nil
        let isName = host.utf8.count <= 253 && !host.hasPrefix("-")
            && host.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        guard isAddress || isName else { fail(line, "remote \(Quoted.text(host)) is not an IP address or a DNS name"); return }
        var remote = OpenVPNConfig.Remote(host: host)
        if args.count >= 2 {
            guard let port = WireGuardValue.integer(args[1], in: 1...65535) else { fail(line, "the remote port must be 1 to 65535"); return }
            remote.port = port
        }
        if args.count == 3 {
            guard OpenVPNDirective.protocols.contains(args[2]) else {
                fail(line, "the remote protocol must be one of \(OpenVPNDirective.protocols.sorted().joined(separator: ", "))")
                return
            }
            remote.proto = args[2]
        }
        guard config.remotes.count < OpenVPNConfig.maximumRemotes else {
            fail(line, "more than \(OpenVPNConfig.maximumRemotes) remote lines")
            return
        }
        config.remotes.append(remote)
    }

    /// `ca [inline]`, `tls-auth [inline] 1`: the block itself follows.
    /// `ca ca.crt`, `tls-auth ta.key 1`: a file beside the .ovpn (or an
    /// absolute path), only recorded here; netns-jail reads it
    /// (OpenVPNMaterialFile) and puts its contents inline, so OpenVPN, as
    /// root, never opens a path a provider's file names.
    private mutating func materialDirective(_ material: OpenVPNConfig.Material, _ args: [String], line: Int) {
        let name = material.rawValue
        guard let first = args.first else { fail(line, "\(name) needs a file name or its <\(name)> block"); return }
        if material == .tlsAuth, args.count == 2 {
            guard args[1] == "0" || args[1] == "1" else { fail(line, "the tls-auth direction is 0 or 1"); return }
            config.tlsAuthDirection = args[1]
        } else if args.count > 1 {
            fail(line, "\(name) takes one file name or [inline]\(material == .tlsAuth ? ", then the direction 0 or 1" : "")")
            return
        }
        guard first != "[inline]" else { return }
        guard OpenVPNToken.isPlain(first), first.utf8.count <= 4096 else {
            fail(line, "\(name): the file name \(Quoted.text(first)) holds a quote, backslash or blank; rename the file")
            return
        }
        guard config.materialFiles[material] == nil else { fail(line, "\(name) names a file twice"); return }
        config.materialFiles[material] = OpenVPNConfig.FileReference(path: first, line: line)
    }

    /// Checks that need the whole file.
    private mutating func finish() {
        for (material, file) in config.materialFiles where config.material[material] != nil {
            fail(file.line, "\(material.rawValue) names a file and the config has a <\(material.rawValue)> block too; keep one")
        }
        let seen = config
        let has = { (material: OpenVPNConfig.Material) in seen.material[material] != nil || seen.materialFiles[material] != nil }
        if config.remotes.isEmpty { fail(lastLine, "no 'remote' line; the config must name the server") }
        if !has(.ca) { fail(lastLine, "no <ca> block and no 'ca FILE'; OpenVPN could not check who the server is") }
        let cert = has(.cert), key = has(.key)
        if cert != key {
            let line = materialLine[cert ? .cert : .key] ?? config.materialFiles[cert ? .cert : .key]?.line ?? lastLine
            fail(line, "cert and key go together; the config has only the \(cert ? "cert" : "key")")
        }
        if !cert && config.credentials == .notAsked {
            fail(lastLine, "no client cert and key and no 'auth-user-pass'; the server would not know who connects")
        }
        if [OpenVPNConfig.Material.tlsAuth, .tlsCrypt, .tlsCryptV2].filter(has).count > 1 {
            fail(lastLine, "a config uses one of <tls-auth>, <tls-crypt> and <tls-crypt-v2>, not several")
        }
    }

    private func arguments(_ count: ClosedRange<Int>) -> String {
        if count == 0...0 { return "no argument" }
        if count.lowerBound == count.upperBound { return "\(count.lowerBound) argument\(count.lowerBound == 1 ? "" : "s")" }
        return "\(count.lowerBound) to \(count.upperBound) arguments"
    }

    private mutating func fail(_ line: Int, _ message: String) {
        errors.append(Diagnostic(file: file, line: line, message: message))
    }

    private mutating func warn(_ line: Int, _ message: String) {
        config.warnings.append(Diagnostic(file: file, line: line, message: message))
    }
}

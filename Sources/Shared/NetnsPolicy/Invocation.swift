/// What the command line asks netns-exec to do.
///
/// Grammar: `netns-exec [OPTIONS] NAMESPACE COMMAND [ARG...]`. Options end at
/// the first argument that does not start with `-`, or after `--`. Everything
/// after NAMESPACE belongs to the command and is never looked at, so `%U`
/// expansions, empty strings and arguments such as `--help` pass through.
public enum Invocation: Equatable, Sendable {
    case help
    case version
    case list
    /// Indices into argv: the namespace, and the first word of the command.
    case launch(namespace: NamespaceName, commandIndex: Int)

    public enum UsageError: Error, Equatable, Sendable {
        case unknownOption(String)
        case missingNamespace
        case invalidNamespace(String)
        case missingCommand(NamespaceName)
        case listTakesNoArguments

        public var message: String {
            switch self {
            case .unknownOption(let o):
                return "unknown option \(Quoted.text(o)); see netns-exec --help"
            case .missingNamespace:
                return "no namespace given; usage: netns-exec NAMESPACE COMMAND [ARG...]"
            case .invalidNamespace(let n):
                return "invalid namespace name \(Quoted.text(n)): \(NamespaceName.rule)"
            case .missingCommand(let n):
                return "no command given; usage: netns-exec \(n) COMMAND [ARG...]"
            case .listTakesNoArguments:
                return "--list takes no other arguments"
            }
        }
    }

    /// `--menu-name=TEXT`: the name of the menu entry that started the
    /// launch, which `netns-jail desktop` writes into the jailed launchers,
    /// so that a desktop notice names the program as the menu does. It is
    /// only ever shown, to the caller, in the caller's own notification:
    /// nothing trusts it, and nothing else reads it.
    public static let menuNameOption = "--menu-name="

    /// The menu name given among the options, if any (the last one),
    /// decoded (`encodeMenuName`).
    public static func menuName(count: Int, argument: (Int) -> String) -> String? {
        var index = 1
        var name: String?
        while index < count {
            let arg = argument(index)
            guard arg.utf8.first == UInt8(ascii: "-"), arg != "--" else { break }
            if arg.hasPrefix(menuNameOption) { name = decodeMenuName(String(arg.dropFirst(menuNameOption.count))) }
            index += 1
        }
        return name
    }

    /// The menu name as one word no Exec= reader splits or unquotes:
    /// letters, digits, `.`, `_` and `-` as they are, every other byte as
    /// `=XX` (hex). xdg-open's own Exec reader keeps the quotes of a quoted
    /// argument and splits it at its spaces, so a name such as
    /// "qBittorrent (VPN)" cannot be written quoted.
    public static func encodeMenuName(_ name: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in name.utf8 {
            let plain = (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            if plain { out.append(byte) } else {
                out += [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `encodeMenuName` undone; text without `=XX` stays as it is.
    public static func decodeMenuName(_ text: String) -> String {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "="), i + 2 < bytes.count,
               let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses argv. `count` includes argv[0]; `argument(i)` returns argv[i]
    /// for 1 <= i < count and is only called for the arguments up to the
    /// namespace, so a long command line costs nothing.
    public static func parse(count: Int, argument: (Int) -> String) throws(UsageError) -> Invocation {
        var index = 1
        var wantsHelp = false, wantsVersion = false, wantsList = false
        while index < count {
            let arg = argument(index)
            guard arg.utf8.first == UInt8(ascii: "-") else { break }
            index += 1
            switch arg {
            case "--": break
            case "-h", "--help": wantsHelp = true; continue
            case "-V", "--version": wantsVersion = true; continue
            case "-l", "--list": wantsList = true; continue
            case _ where arg.hasPrefix(menuNameOption): continue
            default: throw .unknownOption(arg)
            }
            break // after "--"
        }
        if wantsHelp { return .help }
        if wantsVersion { return .version }
        if wantsList {
            guard index == count else { throw .listTakesNoArguments }
            return .list
        }
        guard index < count else { throw .missingNamespace }
        let rawName = argument(index)
        guard let name = NamespaceName(rawName) else { throw .invalidNamespace(rawName) }
        guard index + 1 < count else { throw .missingCommand(name) }
        return .launch(namespace: name, commandIndex: index + 1)
    }
}

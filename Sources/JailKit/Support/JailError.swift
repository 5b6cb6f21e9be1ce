/// Why a netns-jail command failed. The kind decides the exit status
/// (documented in netns-jail(8)): a configuration the administrator must fix
/// is 2, a system step that failed or a breached jail is 1.
public enum JailError: Error, Sendable, CustomStringConvertible {
    /// A configuration file is missing, unsafe or malformed.
    case config(String)
    /// Several `file:line: message` problems in one file.
    case configFile(ConfigFailure)
    /// A system step failed; the message names the step and what to do.
    case failure(String)

    public var exitStatus: Int32 {
        switch self {
        case .config, .configFile: return 2
        case .failure: return 1
        }
    }

    /// One or more lines, each starting `netns-jail: `.
    public var description: String {
        switch self {
        case .config(let m), .failure(let m): return "netns-jail: \(m)"
        case .configFile(let f): return f.diagnostics.map { "netns-jail: \($0)" }.joined(separator: "\n")
        }
    }
}

import FoundationEssentials
import Glibc

/// The programs netns-jail drives. Each is found in a fixed list of system
/// directories, never through $PATH: netns-jail runs as root, and a
/// directory earlier in an inherited PATH must not choose what `ip` means.
public enum ExternalTool: String, Sendable {
    case ip, nft, wg, openvpn, setpriv
    case wireguardGo = "wireguard-go"
    case updateDesktopDatabase = "update-desktop-database"

    static let directories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]

    public var path: String? {
        ExternalTool.directories.map { "\($0)/\(rawValue)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the tool with an argument array (no shell), optionally feeding
    /// stdin, and collects its exit status and output.
    public func run(_ arguments: [String], input: String? = nil) -> ToolResult {
        guard let path else {
            return ToolResult(command: rawValue, status: 127, output: "",
                              errorOutput: "\(rawValue) not found in \(ExternalTool.directories.joined(separator: ":")); install it")
        }
        let command = ([rawValue] + arguments).joined(separator: " ")
        do {
            let exit = try ChildProcess.run(path, arguments, environment: ExternalTool.environment,
                                            input: input.map { Array($0.utf8) })
            return ToolResult(command: command, status: exit.status,
                              output: String(decoding: exit.output, as: UTF8.self),
                              errorOutput: String(decoding: exit.errorOutput, as: UTF8.self))
        } catch {
            let code: Int32
            switch error { case .spawn(let c): code = c }
            return ToolResult(command: command, status: 126, output: "",
                              errorOutput: "cannot start \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Runs the tool in a jail's network namespace: the one way netns-jail
    /// runs a tool inside a jail (or the doctor's probe namespace). `ip`
    /// enters the namespace itself (`ip -n NAME`); every other tool runs
    /// through `ip netns exec`, which also gives it the jail's /etc/netns
    /// files and its own /sys. A missing tool fails inside as 127, like any
    /// other.
    public func runInside(_ jail: String, _ arguments: [String], input: String? = nil) -> ToolResult {
        ExternalTool.ip.run(insideArguments(jail, arguments), input: input)
    }

    /// The `ip` arguments for `runInside`, for ExternalTool.runAll.
    public func insideArguments(_ jail: String, _ arguments: [String]) -> [String] {
        self == .ip ? ["-n", jail] + arguments : ExternalTool.netnsExec(jail, [path ?? rawValue] + arguments)
    }

    /// The `ip` arguments that run `command` in a jail's network namespace
    /// (`ip netns exec`): what runInside does for a tool, and the way a
    /// program that is no ExternalTool (a probe's or a hook's sh script)
    /// is run inside.
    public static func netnsExec(_ jail: String, _ command: [String]) -> [String] {
        ["netns", "exec", jail] + command
    }

    /// Runs several read-only invocations at once; results in order.
    public static func runAll(_ invocations: [(tool: ExternalTool, arguments: [String])]) -> [ToolResult] {
        let paths = invocations.map { $0.tool.path }
        let ready = invocations.indices.filter { paths[$0] != nil }
        let exits = ChildProcess.runAll(ready.map { (paths[$0]!, invocations[$0].arguments) }, environment: environment)
        var results: [ToolResult] = invocations.map { invocation in
            ToolResult(command: invocation.tool.rawValue, status: 127, output: "",
                       errorOutput: "\(invocation.tool.rawValue) not found in \(directories.joined(separator: ":")); install it")
        }
        for (k, i) in ready.enumerated() {
            let command = ([invocations[i].tool.rawValue] + invocations[i].arguments).joined(separator: " ")
            results[i] = exits[k].map {
                ToolResult(command: command, status: $0.status, output: String(decoding: $0.output, as: UTF8.self),
                           errorOutput: String(decoding: $0.errorOutput, as: UTF8.self))
            } ?? ToolResult(command: command, status: 126, output: "", errorOutput: "cannot start \(paths[i]!)")
        }
        return results
    }

    /// A fixed, minimal environment: nothing the caller exported (LD_*,
    /// WG_*, locale) changes how the tools behave or what they print.
    static let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"]
}

public struct ToolResult: Sendable {
    public let command: String
    public let status: Int32
    public let output: String
    public let errorOutput: String

    public var succeeded: Bool { status == 0 }

    /// The tool's own last complaint, on one line, for our message.
    public var reason: String {
        let lines = errorOutput.split(separator: "\n").map { $0.trimmed }.filter { !$0.isEmpty }
        return lines.last ?? "exit status \(status)"
    }

    /// Throws a failure naming the step and the command unless it succeeded.
    @discardableResult
    public func check(_ step: String) throws(JailError) -> ToolResult {
        guard succeeded else { throw JailError.failure("\(step): '\(command)' failed: \(reason)") }
        return self
    }
}

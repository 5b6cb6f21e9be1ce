import FoundationEssentials
import Glibc

/// Where netns-jail finds netns-exec when it runs something through it (the
/// port-forward hook): beside netns-jail itself, as `make install` and the
/// package put them, else in ExternalTool's fixed system directories; never
/// through $PATH, which root inherits from whoever started it. What is found
/// is only a name: TrustedExecutable then walks it and runs the descriptor.
public enum LauncherPath {
    public static func locate() -> String? {
        let fileManager = FileManager.default
        if let beside = besideThisProgram(), fileManager.isExecutableFile(atPath: beside) { return beside }
        return ExternalTool.directories.map { "\($0)/netns-exec" }.first { fileManager.isExecutableFile(atPath: $0) }
    }

    /// netns-exec in the directory of the running netns-jail.
    static func besideThisProgram() -> String? {
        guard let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
              let slash = own.lastIndex(of: "/") else { return nil }
        return String(own[..<slash]) + "/netns-exec"
    }

    public static var missing: String {
        "netns-exec not found beside netns-jail or in \(ExternalTool.directories.joined(separator: ":")); install it (make install)"
    }
}

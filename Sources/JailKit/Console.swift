import Foundation

/// Where netns-jail talks. Messages for the administrator go to stderr with
/// the `netns-jail: ` prefix; reports (status, list) go to stdout.
public enum Console {
    public static func note(_ message: String) {
        FileHandle.standardError.write(Data("netns-jail: \(message)\n".utf8))
    }

    public static func warn(_ message: String) {
        FileHandle.standardError.write(Data("netns-jail: warning: \(message)\n".utf8))
    }

    /// A failure, already prefixed, possibly several `file:line` lines.
    public static func error(_ error: JailError) {
        FileHandle.standardError.write(Data("\(error.description)\n".utf8))
    }

    public static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

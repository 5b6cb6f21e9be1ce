import FoundationEssentials
import Glibc

extension JailError {
    /// A file error from Foundation, in the words every other netns-jail
    /// file error uses: the errno's text ("No space left on device"), taken
    /// from the POSIXError under the CocoaError. Foundation's own
    /// description (`CocoaError(_nsError: ... ENOSPC ...)`) is never shown:
    /// it once reached the console when /run/netns-jail was full. The one
    /// place such an error is put into words (DesktopCommand's reads and
    /// writes, netns-jail's main for any that arrives unexpected).
    public static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return "\(error)"
    }

    /// A Foundation file error that reached a command's end unhandled: a
    /// failed step (exit 1), with the path when Foundation kept it.
    public static func file(_ error: any Error) -> JailError? {
        guard error is CocoaError || error is POSIXError else { return nil }
        let path = (error as? CocoaError)?.filePath
        return .failure("\(path.map { "\($0): " } ?? "")\(reason(error))")
    }
}

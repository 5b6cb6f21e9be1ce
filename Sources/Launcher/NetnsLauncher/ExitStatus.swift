/// The launcher's own exit statuses, chosen to match env(1), nice(1) and
/// timeout(1): a caller can tell "netns-exec refused" from "the command
/// failed". Any other status is the command's own, because netns-exec
/// replaces itself with the command.
public enum ExitStatus {
    /// netns-exec refused or failed; the command did not run.
    public static let refused: Int32 = 125
    /// The command was found but could not be executed.
    public static let cannotExecute: Int32 = 126
    /// The command was not found.
    public static let notFound: Int32 = 127
}

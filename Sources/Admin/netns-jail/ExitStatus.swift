import JailKit

/// The exit statuses (JailKit's ExitStatus, which JailError.exitStatus
/// gives) as --help documents them, like netns-jail(8).
extension ExitStatus {
    static let discussion = """
        EXIT STATUS
          0  success: for verify, every invariant holds;
             for status, every jail shown is healthy
          1  a step failed (up rolled back what it made), verify found
             a breach or a stale handshake, status found a jail that
             is not healthy, or another netns-jail held the jail's
             lock for longer than --wait
          2  usage or configuration error; nothing was changed
        """
}

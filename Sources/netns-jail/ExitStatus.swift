import ArgumentParser

/// The exit statuses, shared by every subcommand and documented in
/// netns-jail(8) and in --help.
enum ExitStatus {
    /// A step failed, the jail is breached (verify), not healthy (status)
    /// or locked by another netns-jail for longer than --wait.
    static let failure: Int32 = 1
    /// Bad command line or configuration file; nothing was changed.
    static let usage: Int32 = 2

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

enum NetnsJailVersion {
    static let string = "0.1.0"
}

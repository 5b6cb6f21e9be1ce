import ArgumentParser

/// The exit statuses, shared by every subcommand and documented in
/// netns-jail(8) and in --help.
enum ExitStatus {
    static let ok: Int32 = 0
    /// A step failed, the jail is breached (verify) or not up (status NAME).
    static let failure: Int32 = 1
    /// Bad command line or configuration file; nothing was changed.
    static let usage: Int32 = 2

    static let discussion = """
        EXIT STATUS
          0  success: for verify, every invariant holds;
             for status, every jail shown is up
          1  a step failed (up rolled back what it made), verify found
             a breach, or status found a jail that is not up
          2  usage or configuration error; nothing was changed
        """
}

enum NetnsJailVersion {
    static let string = "0.1.0"
}

/// The root-only rule, as sudo and doas apply it to their configuration: a
/// file or directory that decides what a jail is (the policy, /run/netns,
/// /etc/netns/NAME and its files, netns-jail's configuration and state)
/// must be owned by root and not writable by group or other, or a user
/// could decide who enters which namespace, or where the jail's DNS goes.
///
/// Written once for both programs: the launcher refuses with this line,
/// netns-jail refuses or warns with the same words. The caller reads the
/// owner and mode from a descriptor (fstat), never from a path it then
/// opens again.
public enum RootOnly {
    /// Group- and other-write permission bits (S_IWGRP | S_IWOTH).
    public static let groupOrOtherWrite: UInt32 = 0o022

    /// What is wrong with `path`, owned by `owner` with `mode`, as the end
    /// of a sentence that begins with the path: nil when it is root-only.
    public static func problem(owner: UInt32, mode: UInt32, path: String) -> String? {
        if owner != 0 { return "is not owned by root; as root run: chown root:root \(path)" }
        if mode & groupOrOtherWrite != 0 { return "is writable by group or other; as root run: chmod go-w \(path)" }
        return nil
    }

    /// The whole sentence: `PATH is not owned by root; as root run: …`.
    public static func refusal(owner: UInt32, mode: UInt32, path: String) -> String? {
        problem(owner: owner, mode: mode, path: path).map { "\(path) \($0)" }
    }
}

/// The root-only rule, as sudo and doas apply it to their configuration: a
/// file or directory that decides what a jail is (the policy, /run/netns,
/// /etc/netns/NAME and its files, netns-jail's configuration, state and
/// the programs it runs as root or for a jail) must be owned by root and
/// not writable by group or other, or someone else could decide who enters
/// which namespace, where the jail's DNS goes, or what runs.
///
/// Written once for both programs, with one wording: the launcher refuses
/// with these sentences, netns-jail refuses or warns with the same ones.
/// The caller reads the owner and mode from a descriptor (fstat) where it
/// then uses the file, never from a path it opens again.
public enum RootOnly {
    /// Group- and other-write permission bits (S_IWGRP | S_IWOTH).
    public static let groupOrOtherWrite: UInt32 = 0o022
    static let typeMask: UInt32 = 0o170000
    static let directoryType: UInt32 = 0o040000
    static let sticky: UInt32 = 0o1000

    /// One broken part of the rule.
    public enum Violation: Equatable, Sendable {
        case notOwnedByRoot
        case writableByGroupOrOther

        /// What is wrong and the command that fixes it, as the end of a
        /// sentence that begins with the path.
        public func problem(_ path: String) -> String {
            switch self {
            case .notOwnedByRoot: return "is not owned by root; as root run: chown root:root \(path)"
            case .writableByGroupOrOther: return "is writable by group or other; as root run: chmod go-w \(path)"
            }
        }

        /// The whole sentence: `PATH is not owned by root; as root run: …`.
        public func sentence(_ path: String) -> String { "\(path) \(problem(path))" }
    }

    /// Every part of the rule that `owner` and `mode` break, ownership
    /// first (chmod would not make a user's file root's).
    /// `stickyDirectoryIsSafe`: a world-writable sticky directory (/var/tmp)
    /// passes, since nobody but root can rename or remove root's entries
    /// in it. The launcher accepts no such thing for what it reads, so only
    /// netns-jail's checks of the directories above a program pass it.
    public static func violations(owner: UInt32, mode: UInt32, stickyDirectoryIsSafe: Bool = false) -> [Violation] {
        var found: [Violation] = []
        if owner != 0 { found.append(.notOwnedByRoot) }
        let stickyDirectory = mode & typeMask == directoryType && mode & sticky != 0
        if mode & groupOrOtherWrite != 0 && !(stickyDirectoryIsSafe && stickyDirectory) {
            found.append(.writableByGroupOrOther)
        }
        return found
    }

    /// The first broken part as an end of sentence (see Violation.problem),
    /// or nil when the rule holds.
    public static func problem(owner: UInt32, mode: UInt32, path: String, stickyDirectoryIsSafe: Bool = false) -> String? {
        violations(owner: owner, mode: mode, stickyDirectoryIsSafe: stickyDirectoryIsSafe).first?.problem(path)
    }

    /// The first broken part as a whole sentence, or nil when the rule holds.
    public static func refusal(owner: UInt32, mode: UInt32, path: String) -> String? {
        violations(owner: owner, mode: mode).first?.sentence(path)
    }
}

import CLinux

/// Who is asking, as the kernel says: the real uid, the real gid and the
/// supplementary groups. Nothing here reads USER, LOGNAME or SUDO_USER; the
/// environment belongs to the caller and proves nothing.
public struct Caller: Sendable {
    public let uid: uid_t
    public let gid: gid_t
    public let groups: [gid_t]
    /// The account name for messages and the log, or `uid N` if none.
    public let name: String
    /// The home directory the password database names (not $HOME, which
    /// is the caller's to set), or nil without an account.
    public let home: String?

    public static func fromKernel() throws(Refusal) -> Caller {
        let uid = getuid(), gid = getgid()
        let count = getgroups(0, nil)
        guard count >= 0 else { throw .system(call: "getgroups", path: nil, errno: cl_errno()) }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let got = getgroups(count, &groups)
        guard got >= 0 else { throw .system(call: "getgroups", path: nil, errno: cl_errno()) }
        groups.removeSubrange(Int(got)...)
        let entry = getpwuid(uid)
        let name = entry.map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
        let home = entry.map { String(cString: $0.pointee.pw_dir) }
        return Caller(uid: uid, gid: gid, groups: groups, name: name, home: home)
    }

    /// Refuses root, and a caller whose effective or saved ids are not its
    /// real ones.
    ///
    /// The jail drops every capability, but uid 0 keeps owner rights to
    /// everything root owns: a jailed root program wrote under root-owned
    /// directories and jail sysctls and opened
    /// /proc/sys/kernel/core_pattern, whose `|/path` form makes the kernel
    /// run a helper as root outside the jail. A policy can admit root by
    /// accident (Slackware puts root in `wheel`), so this does not depend
    /// on the policy. Mixed ids mean a setuid program called us; the jailed
    /// program would run with that program's effective id, not the user's,
    /// so that is refused too rather than guessed at.
    public func requireOrdinaryUser() throws(Refusal) {
        var ruid: uid_t = 0, euid: uid_t = 0, suid: uid_t = 0
        var rgid: gid_t = 0, egid: gid_t = 0, sgid: gid_t = 0
        guard cl_getresuid(&ruid, &euid, &suid) == 0, cl_getresgid(&rgid, &egid, &sgid) == 0 else {
            throw .system(call: "getresuid", path: nil, errno: cl_errno())
        }
        if ruid == 0 || euid == 0 || suid == 0 {
            throw .denied("root may not enter a jail (a jailed root still owns root's files); run the command as an ordinary user")
        }
        if euid != ruid || suid != ruid || egid != rgid || sgid != rgid {
            throw .denied("called with effective or saved ids that differ from the real ones (from a setuid program?); run netns-exec directly as the user")
        }
    }

    /// True when the account `name` has the caller's real uid. Comparing
    /// uids, not names, is what doas does: two names for one uid are one user.
    public func isUser(_ name: String) -> Bool {
        // The caller's own account name (from getpwuid) needs no second
        // lookup; any other name may still be an alias of the same uid.
        // ("uid N", used when there is no account, is not a valid member.)
        if name == self.name { return true }
        guard let entry = getpwnam(name) else { return false }
        return entry.pointee.pw_uid == uid
    }

    /// True when the group `name` is the caller's real gid or one of the
    /// supplementary groups the kernel holds for this process.
    public func isInGroup(_ name: String) -> Bool {
        guard let entry = getgrnam(name) else { return false }
        let target = entry.pointee.gr_gid
        return target == gid || groups.contains(target)
    }
}

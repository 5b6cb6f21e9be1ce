import CRelay
import Glibc

/// The relay gives up root before it reads a single byte from a peer: it
/// becomes `nobody` with no supplementary groups (glibc applies setgroups,
/// setresgid and setresuid to every thread, the jail's socket thread
/// included), so a bug in the loop can reach nothing root can. Then no
/// exec can regain privilege, no other `nobody` process can ptrace it, and
/// it dies with the supervisor that started it.
enum RelayPrivileges {
    static func drop(parent: pid_t) throws(RelayFailure) {
        let (uid, gid) = nobody()
        let changed = nj_relay_become(uid, gid)
        guard changed == 0 else { throw RelayFailure("dropping root for \(uid):\(gid)", -changed) }
        // Checked, not assumed: a partial drop would leave root behind.
        guard nj_relay_check_ids(uid, gid) == 0 else {
            throw RelayFailure(message: "the relay kept privileges after dropping them; refusing to run")
        }
        for (call, rc) in [("PR_SET_NO_NEW_PRIVS", nj_relay_no_new_privs()), ("PR_SET_DUMPABLE", nj_relay_not_dumpable()),
                           ("PR_SET_PDEATHSIG", nj_relay_die_with_parent())] where rc != 0 {
            throw RelayFailure("prctl(\(call))", -rc)
        }
        // The supervisor died before PDEATHSIG was set: nobody would stop us.
        guard getppid() == parent else { exit(0) }
    }

    /// `nobody` from the password database (99 on Slackware, 65534
    /// elsewhere), 65534 when there is none; never root.
    static func nobody() -> (uid_t, gid_t) {
        if let entry = getpwnam("nobody"), entry.pointee.pw_uid != 0, entry.pointee.pw_gid != 0 {
            return (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        return (65534, 65534)
    }
}

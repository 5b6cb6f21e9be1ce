import CRelay
import JailKit
import Glibc

/// The relay gives up root before it reads a single byte from a peer: it
/// becomes `netns-relay` (RelayUser: a uid no other process has, so no
/// other process can signal it or change its limits) with no supplementary
/// groups (glibc applies setgroups, setresgid and setresuid to every
/// thread, the jail's socket thread included), so a bug in the loop can
/// reach nothing root can. Then no exec can regain privilege, nothing of
/// the same uid can ptrace it, and it dies with the supervisor that
/// started it.
enum RelayPrivileges {
    /// The relay's uid and gid, looked up while still root, before any
    /// listener is bound: a missing user stops the relay with the line
    /// that says how to create it.
    static func account() throws(RelayFailure) -> (uid_t, gid_t) {
        do throws(JailError) { return try RelayUser.lookup() } catch { throw RelayFailure(message: error.message) }
    }

    static func drop(to account: (uid: uid_t, gid: gid_t), parent: pid_t) throws(RelayFailure) {
        let (uid, gid) = account
        guard nj_relay_become(uid, gid) == 0 else { throw RelayFailure("dropping root for \(uid):\(gid)") }
        // Checked, not assumed: a partial drop would leave root behind.
        guard nj_relay_check_ids(uid, gid) == 0 else {
            throw RelayFailure(message: "the relay kept privileges after dropping them; refusing to run")
        }
        let settings: [(call: String, set: () -> Int32)] = [
            ("PR_SET_NO_NEW_PRIVS", nj_relay_no_new_privs), ("PR_SET_DUMPABLE", nj_relay_not_dumpable),
            ("PR_SET_PDEATHSIG", nj_relay_die_with_parent),
        ]
        for setting in settings where setting.set() != 0 {
            throw RelayFailure("prctl(\(setting.call))")
        }
        // The supervisor died before PDEATHSIG was set: nobody would stop us.
        guard getppid() == parent else { exit(0) }
    }
}

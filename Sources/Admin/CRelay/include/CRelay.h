#ifndef CRELAY_H
#define CRELAY_H

// The calls the relay (netns-jail relay, Sources/Admin/JailRelay) makes that Swift
// cannot: prctl(2) is variadic, so Swift does not import it, and
// setns, accept4 and setresuid/getresuid need _GNU_SOURCE, which the Glibc module lacks,
// and the pidfd calls have no wrapper in glibc before 2.36 (we
// build against 2.31), so they go through syscall(2), also variadic. Each
// returns what the call returned, -1 with errno on failure: the convention
// of every shim in the project (Sources/Launcher/CLinux/include/CLinux.h says why).

#include <sys/types.h>

/// setns(fd, CLONE_NEWNET): moves the calling thread only.
int nj_relay_enter_network_namespace(int fd);

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): the new descriptor
/// or -1.
int nj_relay_accept(int fd);

/// setgroups(0), setresgid(gid x3), setresuid(uid x3), in that order (glibc
/// applies each to every thread of the process).
int nj_relay_become(uid_t uid, gid_t gid);

/// 0 when every real, effective and saved ID is uid/gid, no supplementary
/// group is left, and setuid(0) fails; -1 otherwise (errno EPERM when the
/// IDs are wrong).
int nj_relay_check_ids(uid_t uid, gid_t gid);

/// PR_SET_NO_NEW_PRIVS: nothing this process could ever exec gains privilege.
int nj_relay_no_new_privs(void);

/// PR_SET_DUMPABLE 0: no process of the relay's new user may ptrace it or
/// read its memory through /proc.
int nj_relay_not_dumpable(void);

/// PR_SET_PDEATHSIG SIGKILL: the relay dies with the supervisor that started
/// it. The kernel clears this on a change of credentials, so it is set after
/// the privileges are dropped.
int nj_relay_die_with_parent(void);

/// pidfd_open(pid, 0): a descriptor for the process (Linux 5.3), which
/// stays bound to that process even if its PID is reused.
int nj_relay_pidfd_open(pid_t pid);

/// pidfd_getfd(pidfd, fd, 0): a copy of descriptor `fd` of that process
/// (Linux 5.6; needs ptrace access, which root has over the relay it
/// replaces), close-on-exec; or -1.
int nj_relay_pidfd_getfd(int pidfd, int fd);

/// pidfd_send_signal(pidfd, sig, NULL, 0): signals that process, never
/// one that later got its PID.
int nj_relay_pidfd_signal(int pidfd, int sig);

#endif

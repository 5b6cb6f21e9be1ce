// Thin C under the launcher: the Linux calls and constants Swift cannot use
// directly (variadic functions, function-like macros, errno, ioctl request
// numbers, kernel structs newer than the libc headers), and the mount and
// namespace calls with the exact C types the kernel takes (the headers'
// enum constants arrive in Swift as Int). Each wrapper does one call and
// returns what the kernel returned; errno is left for the Swift side to
// read. Names carry the `cl_` prefix.
//
// That is the one convention of every C shim in the project (CLinux,
// CRelay, CDoctor, and the Landlock probe they share in
// Sources/Shared/NetnsLimits/netns-exec-landlock.h): -1 and errno, as libc itself
// answers. The launcher calls libc directly as well (stat, mkdirat,
// readlinkat), and a second convention (-errno) beside libc's would make
// every call site ask which kind of call it is.
#ifndef CLINUX_H
#define CLINUX_H

// netns-exec is built as Embedded Swift (docs/BENCHMARKS.md), which has no
// Glibc overlay module: the launcher sees the C library only through the
// headers below and the wrappers in this file.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <syslog.h>
#include <unistd.h>

// --- the C library, where Swift cannot call it directly -------------------
/// errno is a macro around a thread-local; Swift cannot read it directly.
int cl_errno(void);
void cl_set_errno(int value);
/// open(2) and openat(2) are variadic in the headers; these are not.
int cl_open(const char *path, int flags);
/// getresuid(2) and getresgid(2), which Swift's Glibc module hides behind
/// _GNU_SOURCE. 0 or -1.
int cl_getresuid(uid_t *real, uid_t *effective, uid_t *saved);
int cl_getresgid(gid_t *real, gid_t *effective, gid_t *saved);
int cl_openat(int dir, const char *path, int flags, mode_t mode);
/// fcntl(fd, F_DUPFD_CLOEXEC, 0); fcntl is variadic.
int cl_dup_cloexec(int fd);
/// The permission and type bits of st_mode as mode_t (they are macros).
extern const mode_t cl_S_IFMT, cl_S_IFDIR, cl_S_IFREG, cl_S_IFLNK, cl_S_IWGRP, cl_S_IWOTH;
/// readdir's d_type values and fstatat's flag (macros in the headers).
extern const int cl_DT_DIR, cl_DT_LNK, cl_DT_UNKNOWN, cl_AT_SYMLINK_NOFOLLOW;

// --- namespaces -----------------------------------------------------------
extern const int cl_CLONE_NEWNET;
extern const int cl_CLONE_NEWNS;

/// setns(2). Glibc has it, but Swift's Glibc module does not import it.
int cl_setns(int fd, int nstype);
/// Keeps a descriptor (close-on-exec) of the caller's network namespace,
/// for DesktopNotice; cl_return_to_caller_netns enters it again (0 when
/// none was kept: nothing to return to). 0 or -1.
int cl_keep_caller_netns(void);
int cl_return_to_caller_netns(void);
/// dup2(2), for a child about to exec.
int cl_dup2(int from, int to);
/// FirstLaunch's watcher: a pipe (close-on-exec) and a detached grandchild
/// holding its read end; the launch keeps the write end. Returns 1 in the
/// watcher, 0 in the launch (after its child, the watcher's parent, has
/// exited), -1 when none could be made (the launch goes on).
int cl_fork_watcher(void);
/// In the watcher: 1 when the launch's end of the pipe closed with nothing
/// written (it reached its exec), 0 when it was called off or
/// `timeout_ms` passed.
int cl_watch_launch(int timeout_ms);
/// In the launch: calls the watcher off (one byte), if there is one.
void cl_call_off_watcher(void);
/// unshare(2).
int cl_unshare(int flags);
/// ioctl(fd, NS_GET_NSTYPE): the CLONE_NEW* type of a namespace file, or -1.
int cl_ns_get_nstype(int fd);
/// 1 if fd lives on nsfs (the namespace filesystem), 0 if not, -1 on error.
int cl_fd_is_nsfs(int fd);
/// 1 if the namespace open as `fd` is owned by the caller's own user
/// namespace (NS_GET_USERNS), 0 if by another, -1 on error.
int cl_ns_owned_by_own_userns(int fd);

// --- mounts ---------------------------------------------------------------
/// mount(2) with the flags as the unsigned long the kernel takes.
int cl_mount(const char *source, const char *target, const char *fstype,
             unsigned long flags, const char *data);
int cl_umount2(const char *target, int flags);
extern const unsigned long cl_MS_BIND, cl_MS_REMOUNT;
extern const unsigned long cl_MS_REC, cl_MS_SLAVE, cl_MS_RDONLY, cl_MS_NOSUID,
    cl_MS_NODEV, cl_MS_NOEXEC;
extern const int cl_MNT_DETACH;
/// O_PATH (GNU): a descriptor that names a directory without reading it.
extern const int cl_O_PATH;

/// The new mount API (Linux 5.2): a detached tmpfs that no path reaches.
/// Returns a mount fd (O_CLOEXEC) or -1.
int cl_detached_tmpfs(const char *size_option);
/// move_mount(2) of a detached mount fd onto the directory open as
/// `directory_fd`: attaches it in the caller's mount namespace, on the very
/// directory that descriptor names (no path is looked up). 0 or -1.
int cl_attach_mount(int mount_fd, int directory_fd);
/// A bind mount from descriptor to descriptor (Linux 5.2): open_tree(2)
/// clones the mount of what `source_fd` names (with the mounts below it
/// when `recursive`), and move_mount(2) attaches the clone on what
/// `target_fd` names. Neither call looks up a path, so no link planted
/// between a check and the mount can redirect it. Both descriptors may be
/// O_PATH. 0 or -1.
int cl_bind_descriptor(int source_fd, int target_fd, int recursive);
/// An empty, read-only tmpfs (mode 0555) that no path reaches yet, to put
/// over a place the jail must not see into: a mount fd (O_CLOEXEC) for
/// cl_attach_mount, or -1.
int cl_empty_readonly_tmpfs(void);
/// The id of the mount that `fd` is on, as /proc/self/mountinfo numbers
/// mounts (statx STATX_MNT_ID, Linux 5.8; before that the descriptor's
/// fdinfo), or -1.
long long cl_mount_id(int fd);

// --- privileges -----------------------------------------------------------
int cl_set_no_new_privs(void);
/// 1 or 0, or -1 on error.
int cl_get_no_new_privs(void);
int cl_clear_ambient_caps(void);
/// 1 if the ambient set is empty, 0 if not, -1 on error.
int cl_ambient_set_is_empty(void);
/// capset(2): empties the effective, permitted and inheritable sets.
int cl_drop_capabilities(void);
/// capget(2): 1 if all three sets are empty, 0 if not, -1 on error.
int cl_capabilities_are_empty(void);
/// capget(2): 1 if CAP_SYS_ADMIN is effective, 0 if not, -1 on error.
int cl_has_cap_sys_admin(void);
/// PR_SET_DUMPABLE 0: kept while privileged (the kernel already does this for
/// file-capability programs; we state it rather than rely on it).
int cl_set_not_dumpable(void);
/// PR_SET_DUMPABLE 1. Only after every privilege is gone: see CallerEnvironment.
int cl_set_dumpable(void);

// --- Landlock (struct and syscalls may be newer than the libc headers) ----
/// The best Landlock ABI the kernel offers, or -1 (errno ENOSYS/EOPNOTSUPP):
/// nx_landlock_abi, the probe netns-jail doctor makes too.
int cl_landlock_abi(void);
/// Put the calling thread in a Landlock domain that restricts nothing on the
/// filesystem but scopes ptrace-class access. `scoped` (ABI >= 6): the
/// ruleset handles only the signal and abstract-socket scopes. Otherwise
/// (ABI >= 2) it handles LANDLOCK_ACCESS_FS_REFER and grants it beneath
/// `/`, so renames and links across directories still work.
/// Requires no_new_privs. Returns 0 or -1.
int cl_landlock_confine(int scoped);

// --- interfaces -----------------------------------------------------------
/// 1 if the interface exists and is IFF_UP in the current network namespace,
/// 0 if it exists and is down, -1 with errno (ENODEV) if absent.
int cl_interface_is_up(const char *name);

// --- seccomp ----------------------------------------------------------------
/// seccomp(SECCOMP_SET_MODE_FILTER) with the jail's filter, generated at
/// build time (Sources/Filter/netns-exec-filter). Needs no_new_privs. 0 or -1.
int cl_load_jail_filter(int permits_user_namespaces);

// --- process start ------------------------------------------------------
/// argc and argv as the kernel passed them, saved by a constructor.
int cl_saved_argc(void);
char **cl_saved_argv(void);

// --- misc -----------------------------------------------------------------
/// syslog(LOG_AUTHPRIV | priority, "%s", message). syslog is variadic.
void cl_syslog_authpriv(int priority, const char *message);
/// execvpe(3): PATH search with an explicit environment (GNU extension).
int cl_execvpe(const char *file, char *const argv[], char *const envp[]);

// --- the jail's session (JailState, SessionBus) --------------------------
/// fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW). 0 or -1.
int cl_fstatat_nofollow(int dir, const char *name, struct stat *st);
/// renameat2(..., RENAME_NOREPLACE): EEXIST rather than replace. 0 or -1.
int cl_renameat_noreplace(int from_dir, const char *from, int to_dir, const char *to);
/// renameat(2), replacing `to` (UserDirsFile). 0 or -1.
int cl_renameat(int from_dir, const char *from, int to_dir, const char *to);
/// flock(fd, LOCK_EX | LOCK_NB): 0, or -1 (EWOULDBLOCK while another holds it).
int cl_try_lock(int fd);
/// A Unix stream socket (close-on-exec) connected to `path`; the listener's
/// pid (SO_PEERCRED) in *peer. The descriptor, or -1.
int cl_unix_connect(const char *path, pid_t *peer);
/// An anonymous file (memfd, not close-on-exec) holding `bytes`, sealed so
/// that nothing can change, grow or shrink it. The descriptor, or -1.
int cl_sealed_memfd(const char *name, const void *bytes, size_t count);
/// `from` as descriptor `to`, kept across exec (dup2, or clearing
/// FD_CLOEXEC when it is `to` already). 0 or -1.
int cl_move_descriptor(int from, int to);
/// pipe2(fds, O_CLOEXEC). 0 or -1.
int cl_pipe(int fds[2]);
/// Closes every descriptor from `first` up (close_range). 0 or -1.
int cl_close_from(unsigned first);
/// poll(2) for one descriptor to be readable: 1, 0 on timeout, -1.
int cl_wait_readable(int fd, int milliseconds);
/// waitpid(pid, &status, 0), retried on EINTR: the exit status (0-255),
/// 256 + signal when killed, or -1.
int cl_wait_child(pid_t pid);
/// Whether /proc/PID/ns/net is the caller's own network namespace:
/// 1, 0, or -1 when it cannot be read.
int cl_same_netns_as(pid_t pid);

#endif

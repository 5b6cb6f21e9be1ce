#include "CLinux.h"
#include "netns-exec-landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>


int cl_errno(void) { return errno; }
void cl_set_errno(int value) { errno = value; }
int cl_open(const char *path, int flags) { return open(path, flags); }
int cl_getresuid(uid_t *r, uid_t *e, uid_t *s) { return getresuid(r, e, s); }
int cl_getresgid(gid_t *r, gid_t *e, gid_t *s) { return getresgid(r, e, s); }
int cl_openat(int dir, const char *path, int flags, mode_t mode) {
    return openat(dir, path, flags, mode);
}
int cl_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }
const mode_t cl_S_IFMT = S_IFMT, cl_S_IFDIR = S_IFDIR, cl_S_IFREG = S_IFREG,
             cl_S_IFLNK = S_IFLNK, cl_S_IWGRP = S_IWGRP, cl_S_IWOTH = S_IWOTH;
const int cl_DT_DIR = DT_DIR, cl_DT_LNK = DT_LNK, cl_DT_UNKNOWN = DT_UNKNOWN,
          cl_AT_SYMLINK_NOFOLLOW = AT_SYMLINK_NOFOLLOW;

static int saved_argc;
static char **saved_argv;

int cl_saved_argc(void) { return saved_argc; }
char **cl_saved_argv(void) { return saved_argv; }

// Saves argv before main. glibc passes (argc, argv, envp) to ELF
// constructors; main.swift reads the arguments one at a time from here and
// never converts the whole vector.
//
// Nothing else happens before main. netns-exec is Embedded Swift: there is
// no Swift runtime that reads SWIFT_* variables, starts a crash backtracer
// or parses /proc/self/maps, and the binary calls neither getenv nor
// secure_getenv (Tests/Escape/50-privileges.sh checks its imports). The
// launched program gets the caller's environment from /proc/self/environ
// (CallerEnvironment).
__attribute__((constructor(101))) static void cl_startup(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

// Embedded Swift seeds its hash tables with arc4random_buf, which glibc has
// only from 2.36 (Slackware 15.0 ships 2.33). This definition, from the
// kernel's generator, is used on every glibc, so one build behaves alike.
// getrandom without flags waits until the pool is initialised and returns
// at most 32 MiB at a time; the tables ask for 16 bytes.
void arc4random_buf(void *buffer, size_t size) {
    unsigned char *p = buffer;
    while (size > 0) {
        ssize_t n = getrandom(p, size, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            abort();
        }
        p += n;
        size -= (size_t)n;
    }
}

const int cl_CLONE_NEWNET = CLONE_NEWNET;
const int cl_CLONE_NEWNS = CLONE_NEWNS;

int cl_setns(int fd, int nstype) { return setns(fd, nstype); }
int cl_unshare(int flags) { return unshare(flags); }
int cl_ns_get_nstype(int fd) { return ioctl(fd, NS_GET_NSTYPE); }

int cl_fd_is_nsfs(int fd) {
    struct statfs sfs;
    if (fstatfs(fd, &sfs) != 0) return -1;
    return sfs.f_type == NSFS_MAGIC ? 1 : 0;
}

const unsigned long cl_MS_BIND = MS_BIND, cl_MS_REMOUNT = MS_REMOUNT;
const unsigned long cl_MS_REC = MS_REC, cl_MS_SLAVE = MS_SLAVE,
                    cl_MS_RDONLY = MS_RDONLY, cl_MS_NOSUID = MS_NOSUID,
                    cl_MS_NODEV = MS_NODEV, cl_MS_NOEXEC = MS_NOEXEC;
const int cl_MNT_DETACH = MNT_DETACH;
const int cl_O_PATH = O_PATH;

int cl_mount(const char *source, const char *target, const char *fstype,
             unsigned long flags, const char *data) {
    return mount(source, target, fstype, flags, data);
}
int cl_umount2(const char *target, int flags) { return umount2(target, flags); }

int cl_detached_tmpfs(const char *size_option) {
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int mnt = -1;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", size_option, 0) == 0 &&
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) == 0 &&
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0) {
        mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                           MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    }
    int saved = errno;
    close(fs);
    errno = saved;
    return mnt;
}

int cl_ns_owned_by_own_userns(int fd) {
    int owner = ioctl(fd, NS_GET_USERNS);
    if (owner < 0) return -1;
    struct stat theirs, ours;
    int rc = -1;
    if (fstat(owner, &theirs) == 0 && stat("/proc/self/ns/user", &ours) == 0)
        rc = theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
    int saved = errno;
    close(owner);
    errno = saved;
    return rc;
}

static int caller_netns = -1;
int cl_keep_caller_netns(void) {
    if (caller_netns < 0) caller_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    return caller_netns < 0 ? -1 : 0;
}
int cl_return_to_caller_netns(void) {
    return caller_netns < 0 ? 0 : setns(caller_netns, CLONE_NEWNET);
}
int cl_dup2(int from, int to) { return dup2(from, to); }

static int watcher_pipe = -1;
int cl_fork_watcher(void) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (child == 0) {
        /* Detached: the launch reaps this child at once, so the command it
           becomes never has the watcher as a child of its own. */
        if (fork() != 0) _exit(0);
        close(fds[1]);
        watcher_pipe = fds[0];
        return 1;
    }
    close(fds[0]);
    watcher_pipe = fds[1];
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
    return 0;
}
int cl_watch_launch(int timeout_ms) {
    struct pollfd p = {.fd = watcher_pipe, .events = POLLIN};
    int ready;
    do ready = poll(&p, 1, timeout_ms); while (ready < 0 && errno == EINTR);
    if (ready <= 0) return 0;
    char byte;
    ssize_t n;
    do n = read(watcher_pipe, &byte, 1); while (n < 0 && errno == EINTR);
    return n == 0 ? 1 : 0;
}
void cl_call_off_watcher(void) {
    if (watcher_pipe < 0) return;
    char byte = 'x';
    ssize_t n;
    do n = write(watcher_pipe, &byte, 1); while (n < 0 && errno == EINTR);
    close(watcher_pipe);
    watcher_pipe = -1;
}

int cl_attach_mount(int mount_fd, int directory_fd) {
    return (int)syscall(SYS_move_mount, mount_fd, "", directory_fd, "",
                        MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
int cl_bind_descriptor(int source_fd, int target_fd, int recursive) {
    int tree = (int)syscall(SYS_open_tree, source_fd, "",
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                (recursive ? AT_RECURSIVE : 0));
    if (tree < 0) return -1;
    int rc = (int)syscall(SYS_move_mount, tree, "", target_fd, "",
                          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int saved = errno;
    close(tree);
    errno = saved;
    return rc;
}

int cl_empty_readonly_tmpfs(void) {
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int mnt = -1;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "4k", 0) == 0 &&
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0555", 0) == 0 &&
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0) {
        mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                           MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    }
    int saved = errno;
    close(fs);
    errno = saved;
    return mnt;
}

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
long long cl_mount_id(int fd) {
    struct statx stx;
    if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) == 0 &&
        (stx.stx_mask & STATX_MNT_ID))
        return (long long)stx.stx_mnt_id;
    // Before 5.8: the "mnt_id:" line of /proc/self/fdinfo/FD (3.15).
    char path[40], text[512];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int info = open(path, O_RDONLY | O_CLOEXEC);
    if (info < 0) return -1;
    ssize_t n = read(info, text, sizeof text - 1);
    close(info);
    if (n <= 0) return -1;
    text[n] = '\0';
    const char *line = strstr(text, "mnt_id:");
    return line ? strtoll(line + 7, NULL, 10) : -1;
}

int cl_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
int cl_get_no_new_privs(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); }
int cl_clear_ambient_caps(void) {
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}
int cl_ambient_set_is_empty(void) {
    // Capability numbers run from 0 to the kernel's last one; past it the
    // query fails with EINVAL, which ends the walk (libcap's cap_max_bits
    // finds the end the same way).
    for (int cap = 0; cap < 64; cap++) {
        int set = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
        if (set == 1) return 0;
        if (set < 0) return (errno == EINVAL && cap > 0) ? 1 : -1;
    }
    return 1;
}

// capget(2) and capset(2) with the version-3 structures (64 capability
// bits in two 32-bit words), as the kernel has defined them since 2.6.26.
// glibc declares neither; libcap would be a second library in a
// privileged process for two system calls.
int cl_drop_capabilities(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    return (int)syscall(SYS_capset, &header, data);
}

int cl_capabilities_are_empty(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (data[i].effective | data[i].permitted | data[i].inheritable) return 0;
    }
    return 1;
}
int cl_has_cap_sys_admin(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}
int cl_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
int cl_set_dumpable(void) { return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); }

// Our own copy of the ruleset attribute: the libc headers of older build
// hosts lack the `scoped` field (Landlock ABI 6). The kernel accepts a larger
// struct from an older kernel's point of view only if the extra fields are 0,
// so `scoped` is set only when the ABI has it.
struct cl_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};
_Static_assert(sizeof(struct cl_landlock_ruleset_attr) == 24, "landlock attr layout");

#define CL_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define CL_LANDLOCK_SCOPE_SIGNAL (1ULL << 1)

int cl_landlock_abi(void) { return nx_landlock_abi(); }

int cl_landlock_confine(int scoped) {
    struct cl_landlock_ruleset_attr attr = {0};
    // What matters is the domain itself: a process in a Landlock domain
    // cannot ptrace, open /proc/PID/mem of, process_vm_writev into or
    // pidfd_getfd from a process outside it. The ruleset must handle
    // something, and whatever it handles must not get in the program's way.
    //
    // Any ruleset that handles a filesystem right also forbids moving a
    // file to another directory (EXDEV) unless it grants REFER there. So
    // ABI 6 handles no filesystem right at all, only scopes, and ABI 2-5
    // handle REFER alone and grant it beneath the root: a domain that
    // changes nothing about what the filesystem allows.
    int rule_root = -1;
    if (scoped) {
        attr.scoped = CL_LANDLOCK_SCOPE_SIGNAL | CL_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
    } else {
        attr.handled_access_fs = LANDLOCK_ACCESS_FS_REFER;
    }
    // The kernel takes a struct larger than its own when the extra fields
    // are zero, so the same 24 bytes serve every ABI.
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (fd < 0) return -1;
    int rc = 0;
    if (!scoped) {
        rule_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct landlock_path_beneath_attr beneath = {
            .allowed_access = LANDLOCK_ACCESS_FS_REFER,
            .parent_fd = rule_root,
        };
        rc = rule_root < 0 ? -1
           : (int)syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);
    }
    if (rc == 0) rc = (int)syscall(SYS_landlock_restrict_self, fd, 0);
    int saved = errno;
    if (rule_root >= 0) close(rule_root);
    close(fd);
    errno = saved;
    return rc;
}

int cl_interface_is_up(const char *name) {
    struct ifreq ifr;
    size_t n = strlen(name);
    if (n == 0 || n >= IFNAMSIZ) { errno = ENODEV; return -1; }
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, name, n);
    // A Unix socket is enough to ask the interface ioctls of the current
    // network namespace, and it creates no network endpoint.
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    int saved = errno;
    close(s);
    errno = saved;
    if (rc != 0) return -1;
    return (ifr.ifr_flags & IFF_UP) ? 1 : 0;
}

// The jail's seccomp filter, generated at build time by netns-exec-filter
// (Sources/Filter/netns-exec-filter/JailFilter.swift holds the rules and their
// reasons) with libseccomp, so the launcher needs neither libseccomp nor a
// rule compiler at run time. scripts/build-launcher.sh writes the header.
#include "jail-filter.h"

// The BPF checks architectures by number, so a filter made for another
// machine would refuse every call (or worse, check the wrong numbers).
#if defined(__x86_64__) && !defined(CL_JAIL_FILTER_FOR_x86_64)
#error "jail-filter.h was not generated on x86_64"
#elif defined(__aarch64__) && !defined(CL_JAIL_FILTER_FOR_aarch64)
#error "jail-filter.h was not generated on aarch64"
#elif !defined(__x86_64__) && !defined(__aarch64__)
#error "netns-exec's seccomp filter is built for x86_64 and aarch64 only"
#endif

int cl_load_jail_filter(int permits_user_namespaces) {
    // The userns=allow variant differs only in what JailFilter.swift says.
    struct sock_fprog program = permits_user_namespaces
        ? (struct sock_fprog){
              .len = (unsigned short)(sizeof cl_jail_filter_userns / sizeof cl_jail_filter_userns[0]),
              .filter = (struct sock_filter *)cl_jail_filter_userns,  // the kernel only reads it
          }
        : (struct sock_fprog){
              .len = (unsigned short)(sizeof cl_jail_filter / sizeof cl_jail_filter[0]),
              .filter = (struct sock_filter *)cl_jail_filter,
          };
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program);
}

void cl_syslog_authpriv(int priority, const char *message) {
    syslog(LOG_AUTHPRIV | priority, "%s", message);
}

int cl_execvpe(const char *file, char *const argv[], char *const envp[]) {
    return execvpe(file, argv, envp);
}

// --- the jail's session ---------------------------------------------------
int cl_fstatat_nofollow(int dir, const char *name, struct stat *st) {
    return fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW);
}

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
int cl_renameat_noreplace(int from_dir, const char *from, int to_dir, const char *to) {
    return (int)syscall(SYS_renameat2, from_dir, from, to_dir, to, RENAME_NOREPLACE);
}

int cl_renameat(int from_dir, const char *from, int to_dir, const char *to) {
    return renameat(from_dir, from, to_dir, to);
}

int cl_try_lock(int fd) { return flock(fd, LOCK_EX | LOCK_NB); }

int cl_unix_connect(const char *path, pid_t *peer) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ucred cred;
    socklen_t length = sizeof cred;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    *peer = cred.pid;
    return fd;
}

int cl_sealed_memfd(const char *name, const void *bytes, size_t count) {
    // The system call, not glibc's wrapper (2.27): the launcher runs on
    // glibc 2.25 and later (SECURITY.md, "The glibc compat wrapper").
    int fd = (int)syscall(SYS_memfd_create, name, MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < count) {
        ssize_t n = write(fd, (const char *)bytes + done, count - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) goto fail;
        done += (size_t)n;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0) goto fail;
    return fd;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int cl_move_descriptor(int from, int to) {
    if (from == to) return fcntl(to, F_SETFD, 0);
    return dup2(from, to) == to ? 0 : -1;
}

int cl_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cl_close_from(unsigned first) { return (int)syscall(SYS_close_range, first, ~0U, 0); }

int cl_wait_readable(int fd, int milliseconds) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, milliseconds);
}

int cl_wait_child(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
}

int cl_same_netns_as(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
    struct stat theirs, ours;
    if (stat(path, &theirs) != 0 || stat("/proc/self/ns/net", &ours) != 0) return -1;
    return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

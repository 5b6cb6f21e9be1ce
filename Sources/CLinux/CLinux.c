#include "CLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static int saved_argc;
static char **saved_argv;

int cl_saved_argc(void) { return saved_argc; }
char **cl_saved_argv(void) { return saved_argv; }

// Swift's CommandLine asks the runtime for argv through this function. The
// runtime's own version (CommandLine.cpp) is fed by a static initializer
// that parses all of /proc/self/maps at every start to find the stack, then
// walks back from `environ`, which cl_startup's setenv has already moved,
// so here it would find nothing. Defining the function in the executable
// keeps that archive member and its initializer out of a static-stdlib link
// (about 0.07 ms per launch, docs/BENCHMARKS.md) and gives CommandLine the
// real argv. With a dynamic stdlib (debug builds) this copy is simply unused.
__attribute__((swiftcall, visibility("hidden")))
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    *outArgLen = saved_argc;
    return saved_argv;
}

// Removes every SWIFT_* variable from the launcher's own environment, in
// one pass, by taking its pointer out of `environ`.
//
// Two earlier ways were wrong, and Tests/Escape/50-privileges.sh and
// 60-descriptors-env.sh keep them fixed. A loop of unsetenv() calls capped
// at 4096 rounds let variable 4097 and later reach the Swift runtime, which
// reads SWIFT_* even in secure mode (SWIFT_DEBUG_HELP printed its help from
// the privileged launcher). Blanking an over-long name in place changed the
// string itself, which is the kernel's copy of the caller's environment
// that /proc/self/environ shows, so the command received `_WIFT_...`.
// Moving pointers has neither problem: no limit, and the strings stay as
// the caller wrote them.
static void drop_swift_variables(void) {
    if (!environ) return;
    char **kept = environ;
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "SWIFT_", 6) != 0) *kept++ = *e;
    }
    *kept = NULL;
}

// Runs before main and before the Swift runtime reads its environment.
//
// glibc passes (argc, argv, envp) to ELF constructors; argv is kept from
// here rather than from Swift's CommandLine, because on Linux the Swift
// runtime finds argv by walking back from `environ`, which no longer works
// once setenv() below has moved the environment to the heap.
//
// The runtime's crash backtracer, when not in secure mode (root running
// the launcher, say), starts a `swift-backtrace` helper found relative to
// the binary; a launcher must never do that. Other SWIFT_* variables tune
// runtime debugging; none has a use here. The launched program still gets
// the caller's environment untouched: CallerEnvironment rebuilds it from
// /proc/self/environ.
__attribute__((constructor(101))) static void cl_startup(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
    drop_swift_variables();
    setenv("SWIFT_BACKTRACE", "enable=no", 1);
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

int cl_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
int cl_get_no_new_privs(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); }
int cl_clear_ambient_caps(void) {
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}
int cl_ambient_is_set(int cap) {
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
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

int cl_landlock_abi(void) {
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
                        LANDLOCK_CREATE_RULESET_VERSION);
}

int cl_landlock_confine(int abi) {
    struct cl_landlock_ruleset_attr attr = {0};
    // Handling MAKE_BLOCK with no rule that grants it forbids creating block
    // devices, which an unprivileged user cannot do anyway (CAP_MKNOD). It is
    // the cheapest way to make a valid ruleset on ABI 1-5; the domain itself
    // is what matters: a process in a Landlock domain cannot ptrace, read
    // /proc/PID/mem of, or pidfd_getfd from a process outside that domain.
    attr.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK;
    if (abi >= 6)
        attr.scoped = CL_LANDLOCK_SCOPE_SIGNAL | CL_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (fd < 0) return -1;
    int rc = (int)syscall(SYS_landlock_restrict_self, fd, 0);
    int saved = errno;
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

const unsigned long cl_TIOCSTI = TIOCSTI, cl_TIOCLINUX = TIOCLINUX;

void cl_syslog_authpriv(int priority, const char *message) {
    syslog(LOG_AUTHPRIV | priority, "%s", message);
}

int cl_execvpe(const char *file, char *const argv[], char *const envp[]) {
    return execvpe(file, argv, envp);
}

// ref-launcher: the "close to the limit" yardstick for `make bench`.
//
// A minimal C launcher that makes the same system calls, in the same order,
// as netns-exec (Sources/netns-exec/main.swift and Sources/NetnsLauncher),
// so that the difference between the two is the cost of the language and
// runtime, not of the work. It is a benchmark tool, never installed by
// `make install`: it has no --list/--help and its messages are terse.
//
//   ref-launcher NAMESPACE COMMAND [ARG...]
//
// Steps (DESIGN.md numbering): 1 arguments, 2 real uid/gid/groups,
// 3 policy file checked then parsed, 4 /run/netns/NAME via openat
// O_NOFOLLOW + nsfs + NS_GET_NSTYPE, 5 setns (+ require=IFACE), 6 mount
// namespace, slave /, /etc overlay over a detached tmpfs copy of
// /etc/netns/NAME, fresh /sys, resolver sockets masked, 7 capabilities
// dropped and read back, no_new_privs, 8a Landlock scope, environment from
// /proc/self/environ, 9 syslog line, 8b seccomp, execvpe. Exit 125 refused,
// 126 cannot execute, 127 not found.
//
// The seccomp filter is the one netns-exec loads: the BPF program that
// netns-exec-filter made with libseccomp at build time (jail-filter.h, from
// `make build`), loaded with seccomp(2). Built with -DRUNTIME_LIBSECCOMP,
// it instead builds the same rules with libseccomp at every start, as
// netns-exec did before; the benchmark times both.
//
// Build: gcc -O2 -fPIE -pie -I .build/release/launcher-build ... (and
// -DRUNTIME_LIBSECCOMP -lseccomp); install with setcap cap_sys_admin+ep
// (bench/setup.sh does both).
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#ifdef RUNTIME_LIBSECCOMP
#include <seccomp.h>
#else
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "jail-filter.h"
#endif
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <syslog.h>
#include <unistd.h>

// bench/steps.sh builds variants with one step left out (-DSKIP_OVERLAY,
// ...) to measure what each step costs; -DEXEC_ONLY gives a capability
// program that does nothing but exec. The benchmark's builds define none.

#ifndef POLICY_DIR
#define POLICY_DIR "/etc"
#endif
#define POLICY_NAME "netns-exec.conf"
#define POLICY_MAX (256 * 1024)
#define ETC_FILE_MAX (64 * 1024)
#define ETC_FILES_MAX 64

static const char *ns_name = "?";
static char caller_name[64] = "?";

static void log_line(int prio, const char *fmt, const char *arg) {
    openlog("netns-ref", LOG_PID, LOG_AUTHPRIV);
    syslog(LOG_AUTHPRIV | prio, fmt, caller_name, (unsigned)getuid(), ns_name, arg);
    closelog();
}

static _Noreturn void refuse(const char *what, const char *detail) {
    int e = errno;
    if (detail) dprintf(2, "ref-launcher: %s: %s\n", what, detail);
    else dprintf(2, "ref-launcher: %s: %s\n", what, strerror(e));
    log_line(LOG_NOTICE, "%s (uid %u) refused for %s: %s", what);
    exit(125);
}

// 1. Same name rule as NamespaceName: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.
static int name_byte(unsigned char c) { return isalnum(c) || c == '_' || c == '.' || c == '-'; }
static int valid_name(const char *s, size_t max) {
    size_t n = 0;
    if (!isalnum((unsigned char)s[0])) return 0;
    for (; s[n]; n++)
        if (n >= max || !name_byte((unsigned char)s[n])) return 0;
    return 1;
}

// The check PolicyFile.requireRootOnly makes: type, owner root, no g/o write.
static off_t require_root_only(int fd, int dir, const char *what) {
    struct stat st;
    if (fstat(fd, &st) != 0) refuse(what, NULL);
    if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) refuse(what, "wrong file type");
    if (st.st_uid != 0) refuse(what, "not owned by root");
    if (st.st_mode & (S_IWGRP | S_IWOTH)) refuse(what, "writable by group or other");
    return st.st_size;
}

// 2 + 3. Who is asking, and whether the policy lets them in.
static gid_t *groups;
static int ngroups;

static int is_member(const char *tok) {
    if (tok[0] == '@') {
        struct group *g = getgrnam(tok + 1);
        if (!g) return 0;
        if (g->gr_gid == getgid()) return 1;
        for (int i = 0; i < ngroups; i++)
            if (groups[i] == g->gr_gid) return 1;
        return 0;
    }
    struct passwd *p = getpwnam(tok);
    return p && p->pw_uid == getuid();
}

// Returns 1 if admitted; *require gets the require= interface or "".
static int policy_admits(const char *ns, char *require, size_t reqlen) {
    static char text[POLICY_MAX + 1];
    int dir = open(POLICY_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) refuse("open " POLICY_DIR, NULL);
    require_root_only(dir, 1, POLICY_DIR);
    int fd = openat(dir, POLICY_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) refuse("open " POLICY_DIR "/" POLICY_NAME, NULL);
    off_t size = require_root_only(fd, 0, POLICY_DIR "/" POLICY_NAME);
    if (size > POLICY_MAX) refuse("policy", "too large");
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, text + used, (size_t)size + 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) refuse("read policy", NULL);
        if (n == 0 || (used += (size_t)n) > (size_t)size) break;
    }
    if (used > (size_t)size) refuse("policy", "changed while read");
    close(fd);
    close(dir);
    text[used] = '\0';

    int admitted = 0, lineno = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        for (char *p = line; *p; p++)
            if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\r') refuse("policy", "bad byte");
        char *s2 = NULL, *tok = strtok_r(line, " \t\r", &s2);
        if (!tok) continue;
        if (!valid_name(tok, 64)) refuse("policy", "bad namespace name");
        if (strcmp(tok, ns) != 0) continue;
        require[0] = '\0';
        while ((tok = strtok_r(NULL, " \t\r", &s2))) {
            if (strncmp(tok, "require=", 8) == 0) {
                if (!valid_name(tok + 8, IFNAMSIZ - 1)) refuse("policy", "bad interface");
                snprintf(require, reqlen, "%s", tok + 8);
            } else if (!admitted && is_member(tok)) {
                admitted = 1;
            }
        }
        // Later lines are still checked, as the Swift parser checks them all.
    }
    (void)lineno;
    return admitted;
}

// 4. The namespace file, opened so only a real network namespace passes.
static int open_namespace(const char *ns) {
    int dir = open("/run/netns", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) refuse("open /run/netns", NULL);
    require_root_only(dir, 1, "/run/netns");
    int fd = openat(dir, ns, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) refuse("open namespace", NULL);
    close(dir);
    struct statfs sfs;
    if (fstatfs(fd, &sfs) != 0 || sfs.f_type != NSFS_MAGIC || ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
        refuse("namespace", "not a network namespace");
    return fd;
}

static void require_up(const char *ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0) refuse("tunnel", "missing");
    close(s);
    if (!(ifr.ifr_flags & IFF_UP)) refuse("tunnel", "down");
}

// 6. The /etc overlay, exactly as EtcOverlay.swift builds it.
static void etc_overlay(const char *ns) {
    char path[128], names[ETC_FILES_MAX][256];
    int count = 0;
    snprintf(path, sizeof path, "/etc/netns/%s", ns);
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) {
        if (errno == ENOENT) return;
        refuse(path, NULL);
    }
    require_root_only(dir, 1, path);
    DIR *d = fdopendir(fcntl(dir, F_DUPFD_CLOEXEC, 0));
    if (!d) refuse("fdopendir", NULL);
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (count == ETC_FILES_MAX) refuse(path, "too many entries");
        snprintf(names[count++], sizeof names[0], "%s", e->d_name);
    }
    closedir(d);
    if (count == 0) { close(dir); return; }

    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "1m", 0) ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) ||
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
        refuse("fsopen tmpfs", NULL);
    int layer = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                             MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (layer < 0) refuse("fsmount tmpfs", NULL);
    close(fs);

    char buf[8192];
    for (int i = 0; i < count; i++) {
        int src = openat(dir, names[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (src < 0) refuse(names[i], NULL);
        if (require_root_only(src, 0, names[i]) > ETC_FILE_MAX) refuse(names[i], "too large");
        int dst = openat(layer, names[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
        if (dst < 0) refuse("tmpfs copy", NULL);
        for (ssize_t n; (n = read(src, buf, sizeof buf)) != 0;) {
            if (n < 0) { if (errno == EINTR) continue; refuse("read", NULL); }
            for (ssize_t done = 0, w; done < n; done += w)
                if ((w = write(dst, buf + done, (size_t)(n - done))) < 0) {
                    if (errno == EINTR) { w = 0; continue; }
                    refuse("write", NULL);
                }
        }
        close(dst);
        close(src);
    }
    char opts[64];
    snprintf(opts, sizeof opts, "lowerdir=/proc/self/fd/%d:/etc", layer);
    if (mount("overlay", "/etc", "overlay", MS_RDONLY, opts) != 0) refuse("mount overlay /etc", NULL);
    close(layer);
    close(dir);
}

static void mount_view(const char *ns) {
    if (unshare(CLONE_NEWNS) != 0) refuse("unshare", NULL);
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) refuse("mount / slave", NULL);
    unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
#ifndef SKIP_OVERLAY
    etc_overlay(ns);
#endif
#ifndef SKIP_SYS
    if (umount2("/sys", MNT_DETACH) != 0 && errno != EINVAL) refuse("umount /sys", NULL);
    if (mount("sysfs", "/sys", "sysfs", ro, NULL) != 0) refuse("mount /sys", NULL);
#endif
    // ResolverSockets: cover each existing directory once.
    static const char *const dirs[] = {"/run/nscd", "/var/run/nscd", "/run/systemd/resolve",
                                       "/run/avahi-daemon", "/var/run/avahi-daemon"};
    struct stat seen[5];
    int nseen = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        struct stat st;
        if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        int dup = 0;
        for (int j = 0; j < nseen; j++)
            dup |= seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino;
        if (dup) continue;
        seen[nseen++] = st;
#ifndef SKIP_MASKS
        if (mount("tmpfs", dirs[i], "tmpfs", ro, "size=4k,mode=0755") != 0) refuse(dirs[i], NULL);
#endif
    }
}

// 7. Capabilities: clear, no_new_privs, read back (Privileges.swift and
// CLinux.c: capset/capget with the version-3 structures, no libcap).
static void drop_privileges(void) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) refuse("ambient", NULL);
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) refuse("capset", NULL);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) refuse("no_new_privs", NULL);
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) refuse("capget", NULL);
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
        if (data[i].effective | data[i].permitted | data[i].inheritable) refuse("capabilities", "still held");
    for (int c = 0; c < 64; c++) {
        int set = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
        if (set == 1) refuse("ambient", "still set");
        if (set < 0) break;  // EINVAL past the last capability
    }
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) refuse("no_new_privs", "not set");
}

// 8a. Landlock scope (CLinux.c cl_landlock_confine).
struct ll_attr { uint64_t fs, net, scoped; };
static void landlock_confine(void) {
    int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) refuse("landlock", NULL);
    struct ll_attr attr = {LANDLOCK_ACCESS_FS_MAKE_BLOCK, 0, abi >= 6 ? 3 : 0};
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (fd < 0 || syscall(SYS_landlock_restrict_self, fd, 0) != 0) refuse("landlock", NULL);
    close(fd);
}

// The caller's environment from /proc/self/environ, minus NETNS_EXEC=, plus ours.
static char **caller_environment(const char *ns) {
    // As CallerEnvironment.swift: a file-capability program is not
    // dumpable, so its /proc/self files are root's; after the drop it marks
    // itself dumpable again to read its own environ.
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0)
        refuse("PR_SET_DUMPABLE", NULL);
    size_t cap = 16384, len = 0;
    char *buf = malloc(cap);
    int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
    if (!buf || fd < 0) refuse("/proc/self/environ", NULL);
    for (ssize_t n;;) {
        if (len + 16384 > cap && !(buf = realloc(buf, cap *= 2))) refuse("environ", "no memory");
        if ((n = read(fd, buf + len, 16384)) == 0) break;
        if (n < 0) { if (errno == EINTR) continue; refuse("read environ", NULL); }
        if ((len += (size_t)n) > 4 * 1024 * 1024) refuse("environ", "too large");
    }
    close(fd);
    size_t count = 0;
    for (size_t i = 0; i < len; i++) count += buf[i] == 0;
    char **envp = malloc((count + 3) * sizeof *envp), **out = envp;
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
        if (buf[i] && strncmp(buf + i, "NETNS_EXEC=", 11) != 0) *out++ = buf + i;
    if (asprintf(out++, "NETNS_EXEC=%s", ns) < 0) refuse("environ", "no memory");
    *out = NULL;
    return envp;
}

#ifndef RUNTIME_LIBSECCOMP
// 8b. The jail's filter as netns-exec loads it (SyscallFilter.swift).
static void load_filter(void) {
    struct sock_fprog program = {(unsigned short)(sizeof cl_jail_filter / sizeof cl_jail_filter[0]),
                                 (struct sock_filter *)cl_jail_filter};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) refuse("seccomp", NULL);
}
#else
// 8b. The rules of JailFilter.swift built with libseccomp at every start,
// for x86_64, x86 and x32.
static int export_only;
static void rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n, const struct scmp_arg_cmp *c) {
    int rc = seccomp_rule_add_array(ctx, act, nr, n, c);
    if (rc != 0) { errno = -rc; refuse("seccomp_rule_add", NULL); }
}
static void load_filter(void) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) refuse("seccomp_init", "failed");
    if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) refuse("seccomp_attr_set", "failed");
#if defined(__x86_64__)
    if (seccomp_arch_add(ctx, SCMP_ARCH_X86) || seccomp_arch_add(ctx, SCMP_ARCH_X32)) refuse("seccomp_arch_add", "failed");
#endif
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    const uint64_t ns_flags[] = {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                 CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME};
    rule(ctx, eperm, SCMP_SYS(setns), 0, NULL);
    for (int i = 0; i < 8; i++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]};
        rule(ctx, eperm, SCMP_SYS(unshare), 1, &c);
    }
    for (int i = 0; i < 7; i++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]};
        rule(ctx, eperm, SCMP_SYS(clone), 1, &c);
    }
    rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
    struct scmp_arg_cmp sti = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSTI};
    struct scmp_arg_cmp linux_ = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCLINUX};
    rule(ctx, eperm, SCMP_SYS(ioctl), 1, &sti);
    rule(ctx, eperm, SCMP_SYS(ioctl), 1, &linux_);
    struct scmp_arg_cmp spgrp = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSPGRP};
    struct scmp_arg_cmp setd = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSETD};
    rule(ctx, eperm, SCMP_SYS(ioctl), 1, &spgrp);
    rule(ctx, eperm, SCMP_SYS(ioctl), 1, &setd);
    // Socket families: only unix, inet, inet6 and netlink (AF_NETLINK is the highest).
    const uint32_t noaf = SCMP_ACT_ERRNO(EAFNOSUPPORT);
    for (uint64_t af = 0; af < AF_NETLINK; af++) {
        if (af == AF_UNIX || af == AF_INET || af == AF_INET6) continue;
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, af};
        rule(ctx, noaf, SCMP_SYS(socket), 1, &c);
    }
    struct scmp_arg_cmp above = {0, SCMP_CMP_GE, AF_NETLINK + 1, 0};
    rule(ctx, noaf, SCMP_SYS(socket), 1, &above);
    rule(ctx, eperm, SCMP_SYS(io_uring_setup), 0, NULL);
    rule(ctx, eperm, SCMP_SYS(io_uring_enter), 0, NULL);
    rule(ctx, eperm, SCMP_SYS(io_uring_register), 0, NULL);
    rule(ctx, eperm, SCMP_SYS(add_key), 0, NULL);
    rule(ctx, eperm, SCMP_SYS(request_key), 0, NULL);
    rule(ctx, eperm, SCMP_SYS(keyctl), 0, NULL);
    struct scmp_arg_cmp other_pid[2] = {{0, SCMP_CMP_NE, 0, 0}, {2, SCMP_CMP_NE, 0, 0}};
    rule(ctx, eperm, SCMP_SYS(prlimit64), 2, other_pid);
    struct scmp_arg_cmp not_self = {0, SCMP_CMP_NE, 0, 0}, not_self_who = {1, SCMP_CMP_NE, 0, 0};
    struct scmp_arg_cmp not_prio_process = {0, SCMP_CMP_NE, PRIO_PROCESS, 0};
    struct scmp_arg_cmp not_ioprio_process = {0, SCMP_CMP_NE, 1, 0};
    rule(ctx, eperm, SCMP_SYS(sched_setaffinity), 1, &not_self);
    rule(ctx, eperm, SCMP_SYS(sched_setscheduler), 1, &not_self);
    rule(ctx, eperm, SCMP_SYS(sched_setparam), 1, &not_self);
    rule(ctx, eperm, SCMP_SYS(sched_setattr), 1, &not_self);
    rule(ctx, eperm, SCMP_SYS(setpriority), 1, &not_prio_process);
    rule(ctx, eperm, SCMP_SYS(setpriority), 1, &not_self_who);
    rule(ctx, eperm, SCMP_SYS(ioprio_set), 1, &not_ioprio_process);
    rule(ctx, eperm, SCMP_SYS(ioprio_set), 1, &not_self_who);
    const int mounts[] = {SCMP_SYS(mount), SCMP_SYS(umount), SCMP_SYS(umount2),
                          SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(open_tree),
                          SCMP_SYS(move_mount), SCMP_SYS(fsopen), SCMP_SYS(fsconfig),
                          SCMP_SYS(fsmount), SCMP_SYS(fspick), SCMP_SYS(mount_setattr)};
    for (size_t i = 0; i < sizeof mounts / sizeof mounts[0]; i++) rule(ctx, eperm, mounts[i], 0, NULL);
    int rc = export_only ? seccomp_export_bpf(ctx, 1) : seccomp_load(ctx);
    if (rc != 0) { errno = -rc; refuse(export_only ? "seccomp_export_bpf" : "seccomp_load", NULL); }
    seccomp_release(ctx);
    if (export_only) exit(0);
}
static void export_filter(void) {
    export_only = 1;
    load_filter();
}
#endif

int main(int argc, char **argv) {
#ifdef EXEC_ONLY
    if (argc > 2) execv(argv[2], argv + 2);
    return 127;
#endif
#ifdef RUNTIME_LIBSECCOMP
    // For Tests/Escape/10-abis.sh: the BPF libseccomp makes of these rules,
    // which must be netns-exec's compiled-in program byte for byte.
    if (argc == 2 && strcmp(argv[1], "--export-bpf") == 0) export_filter();
#endif
    // 1. Arguments (a leading "--" is allowed, as in netns-exec).
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (argc - i < 2 || !valid_name(argv[i], 64)) {
        dprintf(2, "usage: ref-launcher NAMESPACE COMMAND [ARG...]\n");
        return 125;
    }
    ns_name = argv[i];
    char **command = argv + i + 1;

    // 2. Who is asking: the kernel's ids, never the environment.
    ngroups = getgroups(0, NULL);
    if (ngroups < 0 || !(groups = calloc((size_t)ngroups + 1, sizeof *groups))) refuse("getgroups", NULL);
    if ((ngroups = getgroups(ngroups, groups)) < 0) refuse("getgroups", NULL);
#ifndef SKIP_NSS
    struct passwd *pw = getpwuid(getuid());
#else
    struct passwd *pw = NULL;
#endif
    if (pw) snprintf(caller_name, sizeof caller_name, "%s", pw->pw_name);
    else snprintf(caller_name, sizeof caller_name, "uid %u", (unsigned)getuid());

    char require[IFNAMSIZ] = "";
    if (!policy_admits(ns_name, require, sizeof require)) refuse(ns_name, "not allowed");  // 3
    int nsfd = open_namespace(ns_name);                                                    // 4
    if (setns(nsfd, CLONE_NEWNET) != 0) refuse("setns", NULL);                             // 5
    close(nsfd);
    if (require[0]) require_up(require);
#ifndef SKIP_MOUNTNS
    mount_view(ns_name);                                                                   // 6
#endif
    drop_privileges();                                                                     // 7
#ifndef SKIP_LANDLOCK
    landlock_confine();                                                                    // 8a
#endif
    char **envp = caller_environment(ns_name);
#ifndef SKIP_SYSLOG
    log_line(LOG_INFO, "%s (uid %u) entered %s: %s", command[0]);                           // 9
#endif
#ifndef SKIP_FILTER
    load_filter();                                                                         // 8b
#endif
    execvpe(command[0], command, envp);
    int e = errno;
    dprintf(2, "ref-launcher: %s: %s\n", command[0], strerror(e));
    return (e == ENOENT || e == ENOTDIR) ? 127 : 126;
}

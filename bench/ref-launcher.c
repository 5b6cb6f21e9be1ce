// ref-launcher: the "close to the limit" yardstick for `make bench`.
//
// A minimal C launcher that makes the same system calls, in the same order,
// as netns-exec (Sources/Launcher/netns-exec/main.swift and Sources/Launcher/NetnsLauncher),
// so that the difference between the two is the cost of the language and
// runtime, not of the work. Checked, not trusted:
// Tests/Integration/80-reference-calls.sh runs both under strace on the
// same launches and compares every call that opens, mounts, enters, drops,
// confines or execs, with its arguments (Tests/lib/launch-calls.py); the
// step list below is compared with main.swift's marks by
// Tests/Integration/05-docs.sh. A benchmark tool, never installed by
// `make install`: it has no --list/--help and its messages are terse.
//
//   ref-launcher NAMESPACE COMMAND [ARG...]
//
// Steps (SECURITY.md, "The launch, step by step"), numbered and named as
// main.swift marks them, with the Swift file each one follows:
//   1  Arguments: not dumpable while privileged (Privileges.stayUndumpable)
//   2  Who is asking: real uid/gid/groups, the account name and home
//      (Caller.fromKernel); root and mixed real/effective/saved ids
//      refused (Caller.requireOrdinaryUser)
//   3  Policy: the file checked, read and parsed (PolicyFile,
//      PolicyParser); for a menu launch the caller's network namespace is
//      kept for a refusal's desktop notice (DesktopNotice)
//   4  Namespace: /run/netns/NAME opened O_NOFOLLOW, nsfs, NS_GET_NSTYPE,
//      owned by our own user namespace (NamespaceFile); setns;
//      require=IFACE (Tunnel)
//   5  Mount view: the working directory remembered as a path
//      (WorkingDirectory.remember); a mount namespace under umask 022
//      (MountView): slave /, /proc/self/mountinfo read for every other
//      mount of /run, /proc and /sys (MountTable, HostMounts), the /etc
//      overlay, refused without resolv.conf (EtcOverlay), a fresh /sys, a
//      fresh /proc with hidepid=ptraceable, the jail's own read-only /run
//      bound by descriptor, /run/user/UID allow-listed under per-jail
//      state (RunView, RuntimeDirectory), the jail's view bound over every
//      other mount of /run, /proc and /sys (HostMounts), the jail's own
//      runtime directory at /run/user/UID (JailRuntime) and home with the
//      shared folders bound in (JailState, SharedFolders) unless the
//      policy says state=shared
//   6  Drop: capabilities dropped and read back, no_new_privs (Privileges)
//   7  Working directory: the remembered path entered again in the jail's
//      view, as the caller; else the home, else / (WorkingDirectory)
//   8  Environment: from /proc/self/environ (CallerEnvironment); the
//      jail's session bus started if it is not running (SessionBus)
//   9  No hand-off: under state=shared only, refused when the command's
//      program already runs outside the jail's network namespace
//      (HandOff), found along the PATH of that environment
//   10 Process isolation: Landlock or Yama, else refused (ProcessScope,
//      ProcessIsolation.choose, CLinux.c cl_landlock_confine)
//   11 Log: the syslog line (AuditLog)
//   12 Seccomp: the variant without the namespace rules unless the
//      policy says userns=deny
//   13 Exec: execvpe; if it fails, a second syslog line says nothing ran
// Exit 125 refused, 126 cannot execute, 127 not found.
//
// The seccomp filter is the one netns-exec loads: the BPF program that
// netns-exec-filter made with libseccomp at build time (jail-filter.h, from
// `make build`), loaded with seccomp(2). Built with -DRUNTIME_LIBSECCOMP,
// it instead builds the same rules with libseccomp at every start, as
// netns-exec did before, from the escape suite's C copy of the rules
// (Tests/Escape/helpers/libseccomp-rules.h, which Tests/Escape/10-abis.sh
// checks byte for byte against the compiled-in program); the benchmark
// times both.
//
// Build: gcc -O2 -fPIE -pie -I .build/release/launcher-build
// -I Sources/Shared/NetnsLimits ... (and -DRUNTIME_LIBSECCOMP
// -I Tests/Escape/helpers -lseccomp); install with setcap cap_sys_admin+ep
// (bench/setup.sh does both).
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#ifdef RUNTIME_LIBSECCOMP
#include "libseccomp-rules.h"
#else
#include "jail-filter.h"
#endif
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <syslog.h>
#include <unistd.h>

// bench/steps.sh builds variants with one step left out to measure what
// each step costs; the benchmark's own builds define none of these:
//   SKIP_IDS      the root / mixed-id refusal (getresuid, getresgid)
//   SKIP_NSS      getpwuid (the account name and home; with no home the
//                 state step does nothing, so this leaves that out too)
//   SKIP_USERNS   the namespace's owner check (NS_GET_USERNS)
//   SKIP_MOUNTNS  the whole mount namespace (step 5)
//   SKIP_OVERLAY  the /etc overlay and its tmpfs layer
//   SKIP_SYS      the fresh /sys
//   SKIP_PROC     the fresh /proc (hidepid=ptraceable)
//   SKIP_RUN      the jail's own /run (and /var/run where it is a directory)
//   SKIP_HOST_MOUNTS  the jail's view over other mounts of /run, /proc, /sys
//   SKIP_STATE    the jail's own state directories in the caller's home
//   SKIP_CWD      the working directory entered again in the jail's view
//   SKIP_HANDOFF  the hand-off check (does nothing unless state=shared)
//   SKIP_LANDLOCK process isolation (the Landlock domain or the Yama check)
//   SKIP_SYSLOG   the syslog line
//   SKIP_FILTER   the seccomp filter
// -DEXEC_ONLY gives a capability program that does nothing but exec.

#ifndef POLICY_DIR
#define POLICY_DIR "/etc"
#endif
#define POLICY_NAME "netns-exec.conf"
// The limits netns-exec applies (Sources/Shared/NetnsLimits/netns-exec-limits.h).
#include "netns-exec-limits.h"
#define POLICY_MAX NX_POLICY_MAX_BYTES
#define ETC_FILE_MAX NX_ETC_FILE_MAX_BYTES
#define ETC_FILES_MAX NX_ETC_FILES_MAX
#define RUN_ENTRIES_MAX NX_RUN_ENTRIES_MAX

static const char *ns_name = "?";
static char caller_name[64] = "?";
static char *caller_home;  // from the password database, never $HOME
static int caller_netns = -1;  // kept for a refusal's desktop notice

static void drop_privileges(void);

// One syslog line per launch and per refusal, "NAME (uid N) ...", as
// AuditLog.swift writes it; the log socket is closed again before exec.
static void log_line(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(int prio, const char *fmt, ...) {
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    openlog("netns-ref", LOG_PID, LOG_AUTHPRIV);
    syslog(LOG_AUTHPRIV | prio, "%s (uid %u) %s", caller_name, (unsigned)getuid(), text);
    closelog();
}

// DesktopNotice.show: for a menu launch (stderr not a terminal) the
// refusal is also sent to the desktop by notify-send, from a child that
// goes back to the caller's network namespace and drops every privilege
// first. The launcher does not wait for it. (Titled "netns-exec" here:
// the launcher's title and link come from argv in that child, which no
// comparison looks into. FirstLaunch's watcher is left out for the same
// reason: the launch itself only stats a file and forks.)
static void desktop_notice(const char *message) {
    if (isatty(2) || fork() != 0) return;
    if (caller_netns >= 0) setns(caller_netns, CLONE_NEWNET);
    drop_privileges();
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; null >= 0 && fd <= 2; fd++) dup2(null, fd);
    execlp("notify-send", "notify-send", "--app-name=netns-exec", "--urgency=normal",
           "--icon=dialog-error", "netns-exec", message, (char *)NULL);
    _exit(127);
}

static _Noreturn void refuse(const char *what, const char *detail) {
    static int refusing;  // a refusal inside the notice's child ends it quietly
    int e = errno;
    if (refusing) _exit(1);
    refusing = 1;
    if (!detail) detail = strerror(e);
    char message[512];
    snprintf(message, sizeof message, "%s: %s", what, detail);
    dprintf(2, "ref-launcher: %s\n", message);
    log_line(LOG_NOTICE, "refused for %s: %s", ns_name, message);
    desktop_notice(message);
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

// Directory.entries: a bounded listing of a directory we hold open, each
// entry with its type (lstat only where the filesystem says DT_UNKNOWN).
// More than `limit` entries is a refusal, never a partial view.
enum kind { K_DIR, K_LINK, K_OTHER };
struct entry {
    char name[NAME_MAX + 1];
    enum kind kind;
};
static struct entry *list_directory(int dir, const char *path, int limit, int *count) {
    DIR *d = fdopendir(fcntl(dir, F_DUPFD_CLOEXEC, 0));
    if (!d) refuse(path, NULL);
    struct entry *list = NULL;
    int n = 0, room = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == limit) refuse(path, "too many entries");
        if (n == room && !(list = realloc(list, (size_t)(room = room ? 2 * room : 32) * sizeof *list)))
            refuse(path, "no memory");
        snprintf(list[n].name, sizeof list[n].name, "%s", e->d_name);
        enum kind k = e->d_type == DT_DIR ? K_DIR : e->d_type == DT_LNK ? K_LINK : K_OTHER;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                k = S_ISDIR(st.st_mode) ? K_DIR : S_ISLNK(st.st_mode) ? K_LINK : K_OTHER;
            else if (errno != ENOENT)
                refuse(path, NULL);
        }
        list[n++].kind = k;
    }
    closedir(d);
    *count = n;
    return list;
}

// 2. Who is asking: the kernel's ids, never the environment.
static gid_t *groups;
static int ngroups;

static void who_is_asking(void) {
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
    if (pw && !(caller_home = strdup(pw->pw_dir))) refuse("home", "no memory");
}

// Caller.requireOrdinaryUser: no uid 0 anywhere (a jailed root still owns
// root's files), and effective and saved ids equal to the real ones (mixed
// ids mean a setuid program called us).
static void require_ordinary_user(void) {
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) refuse("getresuid", NULL);
    if (ruid == 0 || euid == 0 || suid == 0) refuse("caller", "root may not enter a jail");
    if (euid != ruid || suid != ruid || egid != rgid || sgid != rgid)
        refuse("caller", "effective or saved ids differ from the real ones");
}

// 3. Whether the policy lets them in.
static int is_member(const char *tok) {
    if (tok[0] == '@') {
        struct group *g = getgrnam(tok + 1);
        if (!g) return 0;
        if (g->gr_gid == getgid()) return 1;
        for (int i = 0; i < ngroups; i++)
            if (groups[i] == g->gr_gid) return 1;
        return 0;
    }
    if (strcmp(tok, caller_name) == 0) return 1;  // the caller's own name: no second lookup
    struct passwd *p = getpwnam(tok);
    return p && p->pw_uid == getuid();
}

struct admission {
    int admitted;
    int allows_host_ptrace;       // host-ptrace=allow
    int shares_state;             // state=shared (-1 while not given: per-jail)
    char require[IFNAMSIZ];       // require=IFACE, or ""
    int permits_userns;           // userns=allow (-1 while not given: allow)
    int host_resolver;            // resolver=host (-1 while not given: jail)
    char share[1024];             // share=FOLDER,... (all given, comma-joined), or ""
};

static struct admission policy_admits(const char *ns) {
    static char text[POLICY_MAX + 1];
    struct admission out = {0, 0, 0, "", 0, 0, ""};
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

    // Every line is checked, as the Swift parser checks them all; members
    // are looked up only on the line of our namespace.
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        for (char *p = line; *p; p++)
            if (((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) && *p != ' ' && *p != '\t' && *p != '\r')
                refuse("policy", "bad byte");
        char *s2 = NULL, *tok = strtok_r(line, " \t\r", &s2);
        if (!tok) continue;
        if (!valid_name(tok, NX_NAMESPACE_NAME_MAX)) refuse("policy", "bad namespace name");
        int ours = strcmp(tok, ns) == 0;
        struct admission line_result = {0, 0, -1, "", -1, -1, ""};
        while ((tok = strtok_r(NULL, " \t\r", &s2))) {
            char *eq = strchr(tok, '=');
            if (eq) {
                *eq = '\0';
                if (strcmp(tok, "host-ptrace") == 0) {
                    if (strcmp(eq + 1, "allow") != 0) refuse("policy", "host-ptrace= takes only allow");
                    line_result.allows_host_ptrace = 1;
                } else if (strcmp(tok, "userns") == 0) {
                    if (line_result.permits_userns >= 0) refuse("policy", "userns= given twice");
                    if (strcmp(eq + 1, "allow") == 0) line_result.permits_userns = 1;
                    else if (strcmp(eq + 1, "deny") == 0) line_result.permits_userns = 0;
                    else refuse("policy", "userns= takes allow or deny");
                } else if (strcmp(tok, "state") == 0) {
                    if (line_result.shares_state >= 0) refuse("policy", "state= given twice");
                    if (strcmp(eq + 1, "shared") == 0) line_result.shares_state = 1;
                    else if (strcmp(eq + 1, "per-jail") == 0) line_result.shares_state = 0;
                    else refuse("policy", "state= takes per-jail or shared");
                } else if (strcmp(tok, "resolver") == 0) {
                    if (line_result.host_resolver >= 0) refuse("policy", "resolver= given twice");
                    if (strcmp(eq + 1, "host") == 0) line_result.host_resolver = 1;
                    else if (strcmp(eq + 1, "jail") == 0) line_result.host_resolver = 0;
                    else refuse("policy", "resolver= takes jail or host");
                } else if (strcmp(tok, "share") == 0) {
                    // Checked again, folder by folder, where it is used.
                    size_t n = strlen(line_result.share);
                    if (!eq[1] || eq[1] == '/' || n + strlen(eq + 1) + 2 > sizeof line_result.share)
                        refuse("policy", "share= takes folders inside the home");
                    snprintf(line_result.share + n, sizeof line_result.share - n, "%s%s", n ? "," : "", eq + 1);
                } else if (strcmp(tok, "require") == 0) {
                    if (line_result.require[0]) refuse("policy", "require= given twice");
                    if (!valid_name(eq + 1, IFNAMSIZ - 1)) refuse("policy", "bad interface");
                    snprintf(line_result.require, sizeof line_result.require, "%s", eq + 1);
                } else {
                    refuse("policy", "unknown option");
                }
            } else if (ours && !line_result.admitted && is_member(tok)) {
                line_result.admitted = 1;
            }
        }
        if (line_result.shares_state < 0) line_result.shares_state = 0;
        if (line_result.host_resolver < 0) line_result.host_resolver = 0;
        if (line_result.permits_userns < 0) line_result.permits_userns = 1;
        if (ours) out = line_result;
    }
    return out;
}

// 4. The namespace file, opened so only a real network namespace of our
// own user namespace passes (NamespaceFile.swift).
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
#ifndef SKIP_USERNS
    // The owner of a user namespace holds every capability over the
    // namespaces it owns: a jail owned by a user's own user namespace would
    // give that user CAP_NET_ADMIN over it.
    int owner = ioctl(fd, NS_GET_USERNS);
    if (owner < 0) refuse("ioctl(NS_GET_USERNS)", NULL);
    struct stat theirs, ours;
    if (fstat(owner, &theirs) != 0 || stat("/proc/self/ns/user", &ours) != 0) refuse("user namespace", NULL);
    close(owner);
    if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino)
        refuse("namespace", "belongs to another user namespace");
#endif
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

// 5. The /etc overlay, as EtcOverlay.swift builds it: the launcher's own
// nsswitch.conf (NameServiceSwitch.swift) and the jail's files are
// written into a tmpfs that has no path (fsopen/fsmount), mode 0444 (the
// view is built under umask 022, see mount_view), resolv.conf then
// replaced by a link to the live one where netns-jail keeps it (see
// live_resolv_conf); the layer is attached on
// the jail's own /etc/netns/NAME directory, or on /run/netns when there is
// none (kernels before 6.15 refuse a detached layer), the overlay is
// mounted with it as top layer, and the attachment is undone again. A
// missing directory, or one without resolv.conf, is refused unless the
// policy line says resolver=host; an nsswitch.conf there is refused.
static const char nsswitch_text[] =
    "# Written by netns-exec for this jail; the host's nsswitch.conf is not used.\n"
    "# Only local files and the jail's own DNS (its resolv.conf) answer lookups\n"
    "# here: no daemon outside the jail (nscd, nslcd, sssd, winbindd, avahi,\n"
    "# systemd-resolved) is asked. See SECURITY.md, \"Name lookups\".\n"
    "passwd:     files\n"
    "group:      files\n"
    "initgroups: files\n"
    "shadow:     files\n"
    "gshadow:    files\n"
    "hosts:      files dns\n"
    "networks:   files\n"
    "protocols:  files\n"
    "services:   files\n"
    "ethers:     files\n"
    "rpc:        files\n"
    "netgroup:   files\n"
    "aliases:    files\n"
    "publickey:  files\n"
    "automount:  files\n";

static void write_all(int fd, const char *buf, size_t n) {
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0) { if (errno == EINTR) continue; refuse("write", NULL); }
        done += (size_t)w;
    }
}

static void copy_file(int dir, const char *name, int layer) {
    static char buf[8192];
    int src = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (src < 0) refuse(name, NULL);
    if (require_root_only(src, 0, name) > ETC_FILE_MAX) refuse(name, "too large");
    int dst = openat(layer, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
    if (dst < 0) refuse("tmpfs copy", NULL);
    for (ssize_t n; (n = read(src, buf, sizeof buf)) != 0;) {
        if (n < 0) { if (errno == EINTR) continue; refuse("read", NULL); }
        write_all(dst, buf, (size_t)n);
    }
    close(dst);
    close(src);
}

// The jail's live resolv.conf (LiveResolvConf.swift): /run/netns-jail and
// /run/netns-jail/NAME root-only directories, the file in it a root-only
// regular file. 1 and its path in `target` when it is there, 0 when not.
static int live_resolv_conf(const char *ns, char *target, size_t size) {
    int state = open("/run/netns-jail", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (state < 0) {
        if (errno == ENOENT) return 0;
        refuse("/run/netns-jail", NULL);
    }
    require_root_only(state, 1, "/run/netns-jail");
    int dir = openat(state, ns, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(state);
    if (dir < 0) {
        if (errno == ENOENT) return 0;
        refuse("/run/netns-jail/NAME", NULL);
    }
    require_root_only(dir, 1, "/run/netns-jail/NAME");
    int file = openat(dir, "resolv.conf", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    close(dir);
    if (file < 0) {
        if (errno == ENOENT) return 0;
        refuse("/run/netns-jail/NAME/resolv.conf", NULL);
    }
    require_root_only(file, 0, "/run/netns-jail/NAME/resolv.conf");
    close(file);
    snprintf(target, size, "/run/netns-jail/%s/resolv.conf", ns);
    return 1;
}

static void etc_overlay(const char *ns, int host_resolver) {
    char path[128];
    snprintf(path, sizeof path, "/etc/netns/%s", ns);
    // Room for the most that is accepted, 64 files of 64 KiB, and a page
    // of up to 64 KiB for nsswitch.conf.
    char size[16];
    snprintf(size, sizeof size, "%dk", (ETC_FILES_MAX * ETC_FILE_MAX + 65536) / 1024);
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", size, 0) ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) ||
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
        refuse("fsopen tmpfs", NULL);
    int layer = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                             MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (layer < 0) refuse("fsmount tmpfs", NULL);
    close(fs);
    int nss = openat(layer, "nsswitch.conf", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
    if (nss < 0) refuse("tmpfs nsswitch.conf", NULL);
    write_all(nss, nsswitch_text, sizeof nsswitch_text - 1);
    close(nss);

    int dir = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) {
        if (errno != ENOENT) refuse(path, NULL);
        if (!host_resolver) refuse(path, "missing, so the jail would use the host's resolvers");
        dir = open("/run/netns", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) refuse("open /run/netns", NULL);
        require_root_only(dir, 1, "/run/netns");
    } else {
        // RootOnlyDirectory: held as O_PATH, listed through a descriptor
        // of its own ("."), its files opened beneath it.
        require_root_only(dir, 1, path);
        int readable = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (readable < 0) refuse(path, NULL);
        int count, has_resolv = 0;
        struct entry *names = list_directory(readable, path, ETC_FILES_MAX, &count);
        close(readable);
        for (int i = 0; i < count; i++) {
            if (strcmp(names[i].name, "resolv.conf") == 0) has_resolv = 1;
            if (strcmp(names[i].name, "nsswitch.conf") == 0) refuse(path, "holds nsswitch.conf");
        }
        if (!has_resolv && !host_resolver) refuse(path, "has no resolv.conf, so the jail would use the host's resolvers");
        // resolv.conf becomes a link to the live file where there is one
        // (checked and copied all the same, then replaced).
        char live[160];
        int linked = has_resolv && live_resolv_conf(ns, live, sizeof live);
        for (int i = 0; i < count; i++) copy_file(dir, names[i].name, layer);
        free(names);
        if (linked && (unlinkat(layer, "resolv.conf", 0) != 0 || symlinkat(live, layer, "resolv.conf") != 0))
            refuse("symlinkat tmpfs/resolv.conf", NULL);
    }

    if (syscall(SYS_move_mount, layer, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        refuse("move_mount tmpfs on /etc/netns", NULL);
    char attached[32], opts[64];
    snprintf(attached, sizeof attached, "/proc/self/fd/%d", layer);
    snprintf(opts, sizeof opts, "lowerdir=%s:/etc", attached);
    if (mount("overlay", "/etc", "overlay", MS_RDONLY, opts) != 0) refuse("mount overlay /etc", NULL);
    if (umount2(attached, MNT_DETACH) != 0) refuse("umount2 tmpfs on /etc/netns", NULL);
    close(layer);
    close(dir);
}

// 5. The jail's own /run (RunView.swift): a tmpfs over it holding the
// host's entries, each bound recursively from a descriptor of the old
// /run, except the directories whose Unix sockets answer name lookups.
// A directory on the way to a hidden path (systemd) is rebuilt one level
// down instead of bound whole. Read-only once filled. Where the jail keeps
// its own state, the caller's /run/user/UID is rebuilt too and shows only
// what RuntimeDirectory.swift allows. Each entry is opened once with
// O_PATH|O_NOFOLLOW, typed with fstat, and bound descriptor to descriptor
// (open_tree, move_mount); a link is copied as a link.
#define RUN_RULES_MAX 4
static int run_binds;  // how many bind mounts the /run view made (REF_COUNT_BINDS prints it)

// RuntimeDirectory.shown; a trailing '*' matches any rest of the name.
static const char *const runtime_shown[] = {
    "wayland-*", "pipewire-0", "dconf", "gdm", ".mutter-Xwaylandauth.*", "xauth_*",
};
static int runtime_shows(const char *name) {
    for (size_t i = 0; i < sizeof runtime_shown / sizeof runtime_shown[0]; i++) {
        size_t n = strlen(runtime_shown[i]);
        if (runtime_shown[i][n - 1] == '*' ? strncmp(name, runtime_shown[i], n - 1) == 0
                                           : strcmp(name, runtime_shown[i]) == 0)
            return 1;
    }
    return 0;
}

static void bind_fd(int source, int jail, const char *name, const char *target) {
    int stand_in = openat(jail, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (stand_in < 0) refuse(target, NULL);
    int tree = (int)syscall(SYS_open_tree, source, "",
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree >= 0 && syscall(SYS_move_mount, tree, "", stand_in, "",
                             MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
        run_binds++;
    else if (errno != ENOENT)  // gone since it was opened: the empty stand-in stays
        refuse(target, NULL);
    if (tree >= 0) close(tree);
    close(stand_in);
}

// JailRuntime.swift: where the jail keeps its own state, /run/user/UID is
// the jail's own runtime directory, /run/user/UID/netns-exec/NAME, which
// lasts across launches: the allowed entries are bound onto stand-ins made
// there (or left by an earlier launch, checked on the descriptor the bind
// goes onto), links are left out, and the directory is then bound
// recursively over a stand-in in the jail's /run.
static const char *run_namespace;  // the jail, for the runtime directory
static int runtime_made;           // the jail's runtime directory is at /run/user/UID

static void bind_checked(int source, int directory, int jail, const char *name, const char *target) {
    int stand_in = openat(jail, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (stand_in < 0) refuse(target, NULL);
    struct stat st;
    if (fstat(stand_in, &st) != 0) refuse(target, NULL);
    if ((st.st_mode & S_IFMT) != (directory ? S_IFDIR : S_IFREG)) {
        close(stand_in);
        return;
    }
    int tree = (int)syscall(SYS_open_tree, source, "",
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree >= 0 && syscall(SYS_move_mount, tree, "", stand_in, "",
                             MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
        run_binds++;
    else if (errno != ENOENT)
        refuse(target, NULL);
    if (tree >= 0) close(tree);
    close(stand_in);
}

static int walk(const char *relative, int home);
static void require_owned(int fd, const char *path);

static void fill_runtime(int own, const char *path, int host) {
    int count;
    struct entry *entries = list_directory(host, path, RUN_ENTRIES_MAX, &count);
    for (int i = 0; i < count; i++) {
        const char *name = entries[i].name;
        if (!runtime_shows(name)) continue;
        char target[PATH_MAX + NAME_MAX + 2];
        snprintf(target, sizeof target, "%s/%s", path, name);
        int source = openat(host, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (source < 0 && errno == ENOENT) continue;
        if (source < 0) refuse(target, NULL);
        struct stat st;
        if (fstat(source, &st) != 0) refuse(target, NULL);
        int ok = 0;
        if (S_ISDIR(st.st_mode)) {
            ok = mkdirat(own, name, 0700) == 0 || errno == EEXIST;
        } else if (!S_ISLNK(st.st_mode)) {
            int mark = openat(own, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0400);
            if ((ok = mark >= 0)) close(mark);
        }
        if (ok) bind_checked(source, S_ISDIR(st.st_mode), own, name, target);
        close(source);
    }
    free(entries);
}

static void jail_runtime(int jail, const char *name, const char *target, int host) {
    require_owned(host, target);
    char relative[PATH_MAX];
    snprintf(relative, sizeof relative, "netns-exec/%s", run_namespace);
    int own = walk(relative, host);
    int real = openat(host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (real < 0) refuse(target, NULL);
    fill_runtime(own, target, real);
    if (mkdirat(jail, name, 0700) != 0) refuse(target, NULL);
    int stand_in = openat(jail, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (stand_in < 0) refuse(target, NULL);
    int tree = (int)syscall(SYS_open_tree, own, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0 || syscall(SYS_move_mount, tree, "", stand_in, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        refuse(target, NULL);
    close(tree);
    close(stand_in);
    close(real);
    close(own);
    runtime_made = 1;
}

struct run_rules {
    const char *hidden[RUN_RULES_MAX];
    size_t nhidden;
    const char *filtered[RUN_RULES_MAX];  // rebuilt showing only runtime_shows()
    size_t nfiltered;
};

static void fill_run(int jail, const char *path, int host, const struct run_rules *rules, int filtered) {
    int count;
    struct entry *entries = list_directory(host, path, RUN_ENTRIES_MAX, &count);
    for (int i = 0; i < count; i++) {
        const char *name = entries[i].name;
        size_t len = strlen(name);
        if (filtered && !runtime_shows(name)) continue;
        struct run_rules below = {.nhidden = 0};
        int hidden = 0, filter_inside = 0;
        for (size_t h = 0; h < rules->nhidden; h++) {
            if (strcmp(rules->hidden[h], name) == 0) hidden = 1;
            else if (strncmp(rules->hidden[h], name, len) == 0 && rules->hidden[h][len] == '/')
                below.hidden[below.nhidden++] = rules->hidden[h] + len + 1;
        }
        for (size_t h = 0; h < rules->nfiltered; h++) {
            if (strcmp(rules->filtered[h], name) == 0) filter_inside = 1;
            else if (strncmp(rules->filtered[h], name, len) == 0 && rules->filtered[h][len] == '/')
                below.filtered[below.nfiltered++] = rules->filtered[h] + len + 1;
        }
        if (hidden) continue;
        char target[PATH_MAX];
        snprintf(target, sizeof target, "%s/%s", path, name);
        int source = openat(host, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (source < 0 && errno == ENOENT) continue;
        if (source < 0) refuse(target, NULL);
        struct stat st;
        if (fstat(source, &st) != 0) refuse(target, NULL);
        if (below.nhidden > 0 || below.nfiltered > 0 || filter_inside) {
            // Only a real directory is rebuilt; a link here is left out.
            if (S_ISDIR(st.st_mode) && filter_inside) {
                jail_runtime(jail, name, target, source);
            } else if (S_ISDIR(st.st_mode)) {
                int sub = openat(source, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (sub < 0 && errno != ENOENT && errno != EACCES) refuse(target, NULL);
                if (sub >= 0) {  // not listable by the caller: left out whole
                    if (mkdirat(jail, name, 0755) != 0) refuse(target, NULL);
                    int inner = openat(jail, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                    if (inner < 0) refuse(target, NULL);
                    fill_run(inner, target, sub, &below, filter_inside);
                    if (fchmod(inner, (st.st_mode & 0777) | 0500) != 0) refuse(target, NULL);
                    close(inner);
                    close(sub);
                }
            }
            close(source);
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            char link[PATH_MAX + 1];
            ssize_t n = readlinkat(source, "", link, sizeof link - 1);
            if (n < 0) refuse(target, NULL);
            link[n] = '\0';
            if (symlinkat(link, jail, name) != 0) refuse(target, NULL);
        } else if (S_ISDIR(st.st_mode)) {
            if (mkdirat(jail, name, 0755) != 0) refuse(target, NULL);
            bind_fd(source, jail, name, target);
        } else {
            int mark = openat(jail, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
            if (mark < 0) refuse(target, NULL);
            close(mark);
            bind_fd(source, jail, name, target);
        }
        close(source);
    }
    free(entries);
}

// RunView.rootsToRebuild: /run, and /var/run only where it is a directory
// of its own (a link to /run, or /run bound there, is /run).
static const char *run_roots[2];
static int nrun_roots;
static void run_roots_to_rebuild(void) {
    static const char *const roots[] = {"/run", "/var/run"};
    struct stat seen[2];
    for (int r = 0; r < 2; r++) {
        struct stat st;
        if (lstat(roots[r], &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        int dup = 0;
        for (int j = 0; j < nrun_roots; j++) dup |= seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino;
        if (dup) continue;
        seen[nrun_roots] = st;
        run_roots[nrun_roots++] = roots[r];
    }
}

static void run_view(int shares_state) {
    char user[32];
    snprintf(user, sizeof user, "user/%u", (unsigned)getuid());
    struct run_rules rules = {
        .hidden = {"nscd", "systemd/resolve", "avahi-daemon"}, .nhidden = 3,
        .filtered = {user}, .nfiltered = shares_state ? 0 : 1,
    };
    const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char options[96];
    snprintf(options, sizeof options, "mode=1777,uid=0,gid=0,size=64k,nr_inodes=%d", 2 * RUN_ENTRIES_MAX + 16);
    for (int r = 0; r < nrun_roots; r++) {
        const char *const *roots = run_roots;
        int host = open(roots[r], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (host < 0) refuse(roots[r], NULL);
        if (mount("tmpfs", roots[r], "tmpfs", flags, options) != 0) refuse("mount tmpfs on /run", NULL);
        int jail = open(roots[r], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (jail < 0) refuse(roots[r], NULL);
        fill_run(jail, roots[r], host, &rules, 0);
        if (mount(NULL, roots[r], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) != 0)
            refuse("remount /run read-only", NULL);
        close(jail);
        close(host);
    }
}

// 5. HostMounts.swift: every other mount of the host's /run (by device
// and root, from /proc/self/mountinfo), and every proc and sysfs mount,
// outside /run, /proc and /sys, gets the jail's view of the same directory
// once the view is built (an empty read-only tmpfs where the jail hides
// it). Found before the view is built; places inside one covered are
// covered with it.
struct mnt { long long id; char dev[32], type[32]; char *root, *point; };
static struct mnt *mounts;
static int nmounts;

static int unescape(char *s) {  // \ooo, in place; 0 when malformed
    char *out = s;
    for (char *in = s; *in;) {
        if (*in != '\\') { *out++ = *in++; continue; }
        if (!(in[1] >= '0' && in[1] <= '7' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7')) return 0;
        *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
        in += 4;
    }
    *out = '\0';
    return 1;
}

static void read_mountinfo(void) {
    int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0) refuse("/proc/self/mountinfo", NULL);
    size_t room = 65536, used = 0;
    char *text = malloc(room + 1);
    for (ssize_t n; text && (n = read(fd, text + used, room - used)) != 0;) {
        if (n < 0) { if (errno == EINTR) continue; refuse("read mountinfo", NULL); }
        used += (size_t)n;
        if (used == room) {
            if (room >= NX_MOUNTINFO_MAX_BYTES) refuse("/proc/self/mountinfo", "too large");
            text = realloc(text, (room *= 2) + 1);
        }
    }
    if (!text) refuse("mountinfo", "no memory");
    close(fd);
    text[used] = '\0';
    int room_m = 64;
    mounts = malloc(sizeof *mounts * (size_t)room_m);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[64];
        int nf = 0;
        for (char *s2 = NULL, *t = strtok_r(line, " ", &s2); t && nf < 64; t = strtok_r(NULL, " ", &s2)) f[nf++] = t;
        int dash = -1;
        for (int i = 6; i < nf; i++) if (!strcmp(f[i], "-")) { dash = i; break; }
        if (nf < 8 || dash < 0 || dash + 1 >= nf || !unescape(f[3]) || !unescape(f[4])) refuse("mountinfo", "unreadable line");
        if (nmounts == room_m) mounts = realloc(mounts, sizeof *mounts * (size_t)(room_m *= 2));
        struct mnt *m = &mounts[nmounts++];
        m->id = strtoll(f[0], NULL, 10);
        snprintf(m->dev, sizeof m->dev, "%s", f[2]);
        snprintf(m->type, sizeof m->type, "%s", f[dash + 1]);
        m->root = f[3];
        m->point = f[4];
    }
}

static int within(const char *a, const char *b) {  // a is b or beneath it
    size_t n = strlen(b);
    if (!strcmp(b, "/")) return a[0] == '/';
    return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}
static const char *rel(const char *a, const char *b) {  // part of a below b, no leading slash
    if (!strcmp(a, b)) return "";
    return a + (!strcmp(b, "/") ? 1 : strlen(b) + 1);
}
static char *join(const char *base, const char *rest) {
    char *out;
    if (!*rest) out = strdup(base);
    else if (asprintf(&out, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", rest) < 0) out = NULL;
    if (!out) refuse("join", "no memory");
    return out;
}

static long long mount_id(int fd) {
    struct statx stx;
    if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) != 0 ||
        !(stx.stx_mask & STATX_MNT_ID))
        return -1;
    return (long long)stx.stx_mnt_id;
}

struct identity { const char *dev; char *root; const char *jail; };
struct cover { char *target, *source; long long expected[8]; int nexpected; };
static struct cover covers[256];
static int ncovers;

static void add_cover(char *target, char *source, const struct mnt *m) {
    if (ncovers == 256) refuse("mountinfo", "too many mounts to cover");
    struct cover *c = &covers[ncovers++];
    c->target = target; c->source = source; c->nexpected = 0;
    for (int i = 0; i < nmounts && c->nexpected < 7; i++)
        if (!strcmp(mounts[i].point, target)) c->expected[c->nexpected++] = mounts[i].id;
    c->expected[c->nexpected++] = m->id;
}

static int by_length(const void *a, const void *b) {
    return (int)strlen(((const struct cover *)a)->target) - (int)strlen(((const struct cover *)b)->target);
}

static void host_mounts_find(const char *const *run_roots, int nroots) {
    read_mountinfo();
    const char *replaced[4] = {"/proc", "/sys"};
    int nreplaced = 2;
    struct identity ids[256];
    int nids = 0;
    for (int r = 0; r < nroots; r++) {
        replaced[nreplaced++] = run_roots[r];
        int fd = open(run_roots[r], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) refuse(run_roots[r], NULL);
        long long id = mount_id(fd);
        close(fd);
        const struct mnt *m = NULL;
        for (int i = 0; i < nmounts; i++) if (mounts[i].id == id) m = &mounts[i];
        if (!m || !within(run_roots[r], m->point)) refuse(run_roots[r], "not in mountinfo");
        ids[nids++] = (struct identity){m->dev, join(m->root, rel(run_roots[r], m->point)), run_roots[r]};
        for (int i = 0; i < nmounts && nids < 256; i++)
            if (within(mounts[i].point, run_roots[r]) && strcmp(mounts[i].point, run_roots[r]))
                ids[nids++] = (struct identity){mounts[i].dev, mounts[i].root, mounts[i].point};
    }
    for (int i = 0; i < nmounts; i++) {
        const struct mnt *m = &mounts[i];
        int skip = 0;
        for (int r = 0; r < nreplaced; r++) skip |= within(m->point, replaced[r]);
        if (skip) continue;
        if (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs")) {
            add_cover(m->point, join(!strcmp(m->type, "proc") ? "/proc" : "/sys", rel(m->root, "/")), m);
            continue;
        }
        const struct identity *best = NULL;
        for (int k = 0; k < nids; k++)
            if (!strcmp(ids[k].dev, m->dev) && within(m->root, ids[k].root) &&
                (!best || strlen(ids[k].root) > strlen(best->root)))
                best = &ids[k];
        if (best) { add_cover(m->point, join(best->jail, rel(m->root, best->root)), m); continue; }
        for (int k = 0; k < nids; k++) {
            if (strcmp(ids[k].dev, m->dev) || !within(ids[k].root, m->root)) continue;
            char *target = join(m->point, rel(ids[k].root, m->root));
            int covered = 0;
            for (int r = 0; r < nreplaced; r++) covered |= within(target, replaced[r]);
            for (int j = 0; j < nmounts; j++) covered |= !strcmp(mounts[j].point, target);
            if (!covered) add_cover(target, (char *)ids[k].jail, m);
        }
    }
    qsort(covers, (size_t)ncovers, sizeof covers[0], by_length);
    int kept = 0;
    for (int i = 0; i < ncovers; i++) {
        int inside = 0;
        for (int j = 0; j < kept; j++) inside |= within(covers[i].target, covers[j].target);
        if (!inside) covers[kept++] = covers[i];
    }
    ncovers = kept;
}

static int open_path(const char *path) {  // component by component, no links
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    int cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
        int next = openat(cur, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(cur);
        cur = next;
        errno = e;
    }
    struct stat st;
    if (cur >= 0 && (fstat(cur, &st) != 0 || S_ISLNK(st.st_mode))) { close(cur); errno = ELOOP; return -1; }
    return cur;
}

static void host_mounts_apply(void) {
    for (int i = 0; i < ncovers; i++) {
        struct cover *c = &covers[i];
        int target = open_path(c->target);
        if (target < 0 && errno == EACCES) continue;  // the caller cannot reach it at all
        if (target < 0) refuse(c->target, NULL);
        long long id = mount_id(target);
        int ok = 0;
        for (int k = 0; k < c->nexpected; k++) ok |= c->expected[k] == id;
        if (!ok) refuse(c->target, "changed while the view was built");
        struct stat ts, ss;
        if (fstat(target, &ts) != 0) refuse(c->target, NULL);
        int source = open_path(c->source);
        if (source < 0) {
            if (!S_ISDIR(ts.st_mode)) refuse(c->target, "a hidden file mounted elsewhere");
            int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), mnt = -1;
            if (fs >= 0 && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "4k", 0) == 0 &&
                syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0555", 0) == 0 &&
                syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
                mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                                   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
            if (mnt < 0 || syscall(SYS_move_mount, mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
                refuse(c->target, "empty tmpfs");
            close(mnt);
            close(fs);
        } else {
            if (fstat(source, &ss) != 0 || S_ISDIR(ss.st_mode) != S_ISDIR(ts.st_mode)) refuse(c->target, "kinds differ");
            int tree = (int)syscall(SYS_open_tree, source, "",
                                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
            if (tree < 0 || syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
                refuse(c->target, NULL);
            close(tree);
            close(source);
        }
        close(target);
    }
}

// 5. The jail's own home (JailState.swift, SharedFolders.swift):
// ~/.netns-exec/NAME/home bound over the home, with the shared folders
// (the XDG user directories from ~/.config/user-dirs.dirs or their default
// names, share= in the policy, the user's ~/.netns-exec/NAME/shared) bound
// into it first. Every path is the user's to change, so each is walked
// one component at a time with O_NOFOLLOW (created 0700 if missing), must
// be owned by the caller, and is bound descriptor to descriptor. Earlier
// stores (~/.netns-exec/NAME/config, ...) are moved into the home once.
static void require_owned(int fd, const char *path) {
    struct stat st;
    if (fstat(fd, &st) != 0) refuse(path, NULL);
    if (st.st_uid != getuid()) refuse(path, "not owned by the caller");
}

static int walk(const char *relative, int home) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", relative);
    int current = fcntl(home, F_DUPFD_CLOEXEC, 0);
    if (current < 0) refuse("dup", NULL);
    for (char *save = NULL, *name = strtok_r(buf, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
        int next = openat(current, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(current, name, 0700) != 0 && errno != EEXIST) refuse(name, NULL);
            next = openat(current, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) refuse(name, NULL);
        close(current);
        current = next;
        require_owned(current, name);
    }
    return current;
}

// SharedFolders.openFile: a file below dir, no link followed; -1 if not.
static int open_file(int dir, const char *relative) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", relative);
    int current = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    char *save = NULL, *name = strtok_r(buf, "/", &save);
    while (current >= 0 && name) {
        char *next_name = strtok_r(NULL, "/", &save);
        int next = openat(current, name, next_name ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                                                   : O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        close(current);
        current = next;
        name = next_name;
    }
    return current;
}

// SharedFolders.read: the text of a regular file of the caller's, at most
// 16384 bytes, or NULL.
static char *read_small(int dir, const char *relative) {
    static char text[2][16385];
    static int which;
    int fd = open_file(dir, relative);
    if (fd < 0) return NULL;
    struct stat st;
    char *out = text[which++ % 2];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == getuid())
        n = read(fd, out, 16385);
    close(fd);
    if (n < 0 || n > 16384) return NULL;
    out[n] = '\0';
    return out;
}

static char shared[64][PATH_MAX];
static int nshared, bound[64];
// UserDirsFile: what the jail's user-dirs.dirs names, in order: a key and
// the index of its shared folder, or -1 for a directory turned off.
static char udkey[64][64];
static int udfolder[64], nud;
// The index of `path` among the shared folders (added if new), or -1.
static int add_shared(const char *path) {
    char buf[PATH_MAX], norm[PATH_MAX] = "";
    if (path[0] == '/') return -1;
    snprintf(buf, sizeof buf, "%s", path);
    int first = 1;
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, ".") || !strcmp(c, "..") || (first && !strcmp(c, ".netns-exec"))) return -1;
        if (!first) strcat(norm, "/");
        strcat(norm, c);
        first = 0;
    }
    if (first) return -1;
    for (int i = 0; i < nshared; i++)
        if (!strcmp(shared[i], norm)) return i;
    if (nshared == 64) return -1;
    bound[nshared] = 0;
    snprintf(shared[nshared], PATH_MAX, "%s", norm);
    return nshared++;
}

static void user_directory(const char *key, int folder) {
    if (nud == 64 || strlen(key) >= sizeof udkey[0]) return;
    snprintf(udkey[nud], sizeof udkey[0], "%s", key);
    udfolder[nud++] = folder;
}

static void shared_folders(int home, int store, const char *admin) {
    static const char *const keys[] = {"XDG_DESKTOP_DIR", "XDG_DOCUMENTS_DIR", "XDG_DOWNLOAD_DIR", "XDG_MUSIC_DIR",
                                       "XDG_PICTURES_DIR", "XDG_PUBLICSHARE_DIR", "XDG_TEMPLATES_DIR", "XDG_VIDEOS_DIR"};
    static const char *const names[] = {"Desktop", "Documents", "Downloads", "Music",
                                        "Pictures", "Public", "Templates", "Videos"};
    nshared = 0;
    nud = 0;
    char *text = read_small(home, ".config/user-dirs.dirs");
    int named[8] = {0};
    for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        size_t n = eq ? strlen(eq + 1) : 0;
        if (line[0] == '#' || !eq || n < 2 || eq[1] != '"' || eq[n] != '"') continue;
        *eq = '\0';
        char *value = eq + 2;
        value[n - 2] = '\0';
        if (strncmp(line, "XDG_", 4) || strlen(line) < 8 || strcmp(line + strlen(line) - 4, "_DIR") ||
            strchr(value, '"') || strchr(value, '\\'))
            continue;
        for (int k = 0; k < 8; k++) named[k] |= !strcmp(line, keys[k]);
        size_t h = strlen(caller_home);
        int index;
        if (!strcmp(value, "$HOME") || !strcmp(value, "$HOME/") ||
            (!strncmp(value, caller_home, h) && (value[h] == '\0' || !strcmp(value + h, "/")))) {
            user_directory(line, -1);
            continue;
        }
        if (!strncmp(value, "$HOME/", 6)) index = add_shared(value + 6);
        else if (!strncmp(value, caller_home, h) && value[h] == '/') index = add_shared(value + h + 1);
        else continue;  // outside the home
        if (index >= 0) user_directory(line, index);
    }
    for (int k = 0; k < 8; k++) {
        if (named[k]) continue;
        int index = add_shared(names[k]);
        if (index >= 0) user_directory(keys[k], index);
    }
    char list[1024];
    snprintf(list, sizeof list, "%s", admin);
    for (char *save = NULL, *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save)) add_shared(f);
    char *mine = read_small(store, "shared");
    for (char *save = NULL, *line = mine ? strtok_r(mine, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
        if (line[0] != '#') add_shared(line);
}

static void bind_tree(int source, int target, const char *what) {
    int tree = (int)syscall(SYS_open_tree, source, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0 || syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        refuse(what, NULL);
    close(tree);
}

static int jail_home_made;
static void jail_state(const char *ns, const char *admin) {
    static const char *const earlier[][3] = {
        {"config", "", ".config"}, {"local-share", ".local", "share"}, {"local-state", ".local", "state"},
        {"cache", "", ".cache"}, {"mozilla", "", ".mozilla"},
    };
    if (!caller_home) return;
    int home = open(caller_home, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (home < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return;  // no home, no profile to share
        refuse(caller_home, NULL);
    }
    require_owned(home, caller_home);
    char store_path[PATH_MAX];
    snprintf(store_path, sizeof store_path, ".netns-exec/%s", ns);
    int store = walk(store_path, home), jail_home = walk("home", store);
    // Earlier stores, moved in once (renameat2 RENAME_NOREPLACE).
    for (size_t i = 0; i < sizeof earlier / sizeof earlier[0]; i++) {
        struct stat st;
        if (fstatat(store, earlier[i][0], &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        int parent = earlier[i][1][0] ? walk(earlier[i][1], jail_home) : fcntl(jail_home, F_DUPFD_CLOEXEC, 0);
        if (syscall(SYS_renameat2, store, earlier[i][0], parent, earlier[i][2], 1 /* RENAME_NOREPLACE */) != 0 &&
            errno != EEXIST && errno != ENOENT)
            refuse("rename", NULL);
        close(parent);
    }
    shared_folders(home, store, admin);
    for (int i = 0; i < nshared; i++) {
        char buf[PATH_MAX];
        snprintf(buf, sizeof buf, "%s", shared[i]);
        int source = fcntl(home, F_DUPFD_CLOEXEC, 0);
        for (char *save = NULL, *c = strtok_r(buf, "/", &save); c && source >= 0; c = strtok_r(NULL, "/", &save)) {
            int next = openat(source, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            close(source);
            struct stat st;
            if (next >= 0 && (fstat(next, &st) != 0 || st.st_uid != getuid())) {
                close(next);
                next = -1;
            }
            source = next;
        }
        if (source < 0) continue;  // not there, a link, or not the caller's: not shared
        int target = walk(shared[i], jail_home);
        bind_tree(source, target, shared[i]);
        bound[i] = 1;
        close(target);
        close(source);
    }
    jail_home_made = 1;
    bind_tree(jail_home, home, "home");
    close(jail_home);
    close(store);
    close(home);
}

// 8. UserDirsFile: the jail's ~/.config/user-dirs.dirs, after the drop,
// as the caller, in the jail's view; replaced only when its text differs.
static void user_dirs_file(void) {
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "%s",
                                "# Written by netns-exec at each launch: the folders of your home that this\n"
                                "# jail shares (see netns-exec(1)). Changes here are replaced at the next launch.\n");
    for (int i = 0; i < nud && n < sizeof text; i++) {
        if (udfolder[i] < 0) {
            n += (size_t)snprintf(text + n, sizeof text - n, "%s=\"$HOME\"\n", udkey[i]);
        } else if (bound[udfolder[i]] && !strpbrk(shared[udfolder[i]], "\"\\$`\n")) {
            n += (size_t)snprintf(text + n, sizeof text - n, "%s=\"$HOME/%s\"\n", udkey[i], shared[udfolder[i]]);
        }
    }
    if (n >= sizeof text) return;
    int home = open(caller_home, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (home < 0) return;
    if (mkdirat(home, ".config", 0700) != 0 && errno != EEXIST) { close(home); return; }
    int config = openat(home, ".config", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(home);
    if (config < 0) return;
    int fd = openat(config, "user-dirs.dirs", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) {
        char old[8193];
        struct stat st;
        ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, old, sizeof old) : -1;
        close(fd);
        if (got == (ssize_t)n && !memcmp(old, text, n)) { close(config); return; }
    }
    unlinkat(config, "user-dirs.dirs.netns-exec", 0);
    fd = openat(config, "user-dirs.dirs.netns-exec", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        int ok = write(fd, text, n) == (ssize_t)n;
        close(fd);
        if (!ok || renameat(config, "user-dirs.dirs.netns-exec", config, "user-dirs.dirs") != 0)
            unlinkat(config, "user-dirs.dirs.netns-exec", 0);
    }
    close(config);
}

static void mount_view(const char *ns, int shares_state, int host_resolver, const char *share) {
    if (unshare(CLONE_NEWNS) != 0) refuse("unshare", NULL);
    // Slave: host mounts still arrive, nothing done here goes out.
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) refuse("mount / slave", NULL);
    run_roots_to_rebuild();
#ifndef SKIP_HOST_MOUNTS
    host_mounts_find(run_roots, nrun_roots);
#endif
    // Everything made here gets the mode it asks for, whatever the
    // caller's umask; the command gets the caller's umask back.
    mode_t caller_umask = umask(022);
    const unsigned long nsn = MS_NOSUID | MS_NODEV | MS_NOEXEC;
#ifndef SKIP_OVERLAY
    etc_overlay(ns, host_resolver);
#else
    (void)ns;
    (void)host_resolver;
#endif
#ifndef SKIP_SYS
    if (umount2("/sys", MNT_DETACH) != 0 && errno != EINVAL) refuse("umount /sys", NULL);
    if (mount("sysfs", "/sys", "sysfs", MS_RDONLY | nsn, NULL) != 0) refuse("mount /sys", NULL);
#endif
#ifndef SKIP_PROC
    // MountView.mountProc: /proc/PID of a process we may not ptrace-read
    // is not there at all.
    if (mount("proc", "/proc", "proc", nsn, "hidepid=ptraceable") != 0) refuse("mount /proc", NULL);
#endif
#ifndef SKIP_RUN
    run_namespace = ns;
    run_view(shares_state);
#endif
#ifndef SKIP_HOST_MOUNTS
    host_mounts_apply();
#endif
#ifndef SKIP_STATE
    if (!shares_state) jail_state(ns, share);
#else
    (void)share;
#endif
    umask(caller_umask);
    (void)shares_state;
}

// 6. Capabilities: clear, no_new_privs, read back (Privileges.swift and
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

// 10. Process isolation (ProcessScope.swift, ProcessIsolation.choose,
// CLinux.c cl_landlock_confine). Landlock ABI 6 and later: a ruleset with
// the signal and abstract-socket scopes and no filesystem right. ABI 2-5:
// a ruleset handling only LANDLOCK_ACCESS_FS_REFER, granted beneath "/",
// so the domain restricts nothing on the filesystem (no EXDEV on renames).
// Otherwise Yama at ptrace_scope >= 1, which needs nothing set; otherwise
// refused unless the policy line says host-ptrace=allow.
struct ll_attr { uint64_t fs, net, scoped; };  // 24 bytes, `scoped` from ABI 6

static int landlock_abi(void) {  // 0: no Landlock
    int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi >= 1) return abi;
    if (errno == ENOSYS || errno == EOPNOTSUPP) return 0;
    refuse("landlock_create_ruleset", NULL);
}

static int yama_scope(void) {  // -1: no Yama
    int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) return -1;
        refuse("/proc/sys/kernel/yama/ptrace_scope", NULL);
    }
    char digit[8];
    ssize_t n = read(fd, digit, sizeof digit);
    close(fd);
    if (n <= 0 || digit[0] < '0' || digit[0] > '9') refuse("yama ptrace_scope", "unreadable");
    return digit[0] - '0';
}

static void landlock_confine(int scoped) {
    struct ll_attr attr = {0, 0, 0};
    if (scoped) attr.scoped = 3;  // LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
    else attr.fs = LANDLOCK_ACCESS_FS_REFER;
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (fd < 0) refuse("landlock_create_ruleset", NULL);
    if (!scoped) {
        int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct landlock_path_beneath_attr beneath = {.allowed_access = LANDLOCK_ACCESS_FS_REFER, .parent_fd = root};
        if (root < 0 || syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) != 0)
            refuse("landlock_add_rule", NULL);
        close(root);
    }
    if (syscall(SYS_landlock_restrict_self, fd, 0) != 0) refuse("landlock_restrict_self", NULL);
    close(fd);
}

// 9. No hand-off (HandOff.swift): under state=shared, refuse when the
// command's program already runs, readable by us, in another network
// namespace, holding a socket. The same executable by device and inode of /proc/PID/exe; a
// "#!" script by process name (comm, 15 bytes). Advisory; as the caller.
#ifndef SKIP_HANDOFF
static int is_script(const char *path) {
    char magic[2];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return 0;
    ssize_t n = read(fd, magic, 2);
    close(fd);
    return n == 2 && magic[0] == '#' && magic[1] == '!';
}

static int holds_socket(long pid) {  // HandOff.holdsSocket
    char path[64], target[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    DIR *fds = opendir(path);
    if (!fds) return 0;
    int seen = 0, found = 0;
    for (struct dirent *e; !found && (e = readdir(fds));) {
        if (++seen > 4096) { found = 1; break; }
        ssize_t n = readlinkat(dirfd(fds), e->d_name, target, sizeof target);
        found = n >= 7 && memcmp(target, "socket:", 7) == 0;
    }
    closedir(fds);
    return found;
}

static void hand_off_check(const char *command, int shares_state, char **envp) {
    if (shares_state == 0) return;
    const char *path_env = NULL;  // the command's PATH, as execvpe will search it
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0) { path_env = *e + 5; break; }
    char path[PATH_MAX], comm[16] = "", found[PATH_MAX] = "";
    const char *name = strrchr(command, '/') ? strrchr(command, '/') + 1 : command;
    struct stat program, st;
    if (strchr(command, '/')) {
        if (stat(command, &st) == 0 && S_ISREG(st.st_mode) && access(command, X_OK) == 0)
            snprintf(found, sizeof found, "%s", command);
    } else {
        const char *p = path_env ? path_env : "/bin:/usr/bin";
        while (!found[0]) {
            size_t len = strcspn(p, ":");
            snprintf(path, sizeof path, "%.*s/%s", len ? (int)len : 1, len ? p : ".", command);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
                snprintf(found, sizeof found, "%s", path);
            if (!p[len]) break;
            p += len + 1;
        }
    }
    if (!found[0] || stat(found, &program) != 0) return;
    int script = is_script(found);
    if (script) snprintf(comm, sizeof comm, "%s", name);
    struct stat own;
    if (stat("/proc/self/ns/net", &own) != 0) refuse("stat /proc/self/ns/net", NULL);
    DIR *proc = opendir("/proc");
    if (!proc) refuse("opendir /proc", NULL);
    pid_t me = getpid();
    int seen = 0;
    for (struct dirent *e; seen < (1 << 17) && (e = readdir(proc)); seen++) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (!isdigit((unsigned char)e->d_name[0]) || *end || pid == me) continue;
        if (script) {
            char buf[32];
            snprintf(path, sizeof path, "/proc/%ld/comm", pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (n <= 0) continue;
            buf[n] = 0;
            buf[strcspn(buf, "\n")] = 0;
            if (strcmp(buf, comm) != 0) continue;
        } else {
            snprintf(path, sizeof path, "/proc/%ld/exe", pid);
            if (stat(path, &st) != 0 || st.st_dev != program.st_dev || st.st_ino != program.st_ino) continue;
        }
        snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
        if (stat(path, &st) == 0 && st.st_ino != own.st_ino && holds_socket(pid)) {
            closedir(proc);
            refuse(name, "already running outside the jail; quit it first, or use state=per-jail");
        }
    }
    closedir(proc);
}
#endif

// Returns the guard's name for the log line.
static const char *process_isolation(int allows_host_ptrace) {
    static char summary[48];
    int abi = landlock_abi(), yama = yama_scope();
    if (abi >= 2) {
        landlock_confine(abi >= 6);
        snprintf(summary, sizeof summary, abi >= 6 ? "landlock (ABI %d, scoped)" : "landlock (ABI %d)", abi);
    } else if (yama >= 1) {
        snprintf(summary, sizeof summary, "yama (ptrace_scope %d)", yama);
    } else if (allows_host_ptrace) {
        snprintf(summary, sizeof summary, "none (host-ptrace=allow)");
    } else {
        refuse("process isolation", "neither Landlock ABI 2+ nor Yama ptrace_scope >= 1");
    }
    return summary;
}

// 8. The caller's environment from /proc/self/environ, minus NETNS_EXEC=,
// plus ours. Where the jail keeps its own state, without XDG_*_HOME and
// the session bus address, and with the bus disabled.
static int dropped(const char *entry, int shares_state) {
    static const char *const per_jail[] = {"XDG_CONFIG_HOME=", "XDG_DATA_HOME=", "XDG_STATE_HOME=",
                                           "XDG_CACHE_HOME=", "DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR="};
    if (strncmp(entry, "NETNS_EXEC=", 11) == 0) return 1;
    for (size_t i = 0; !shares_state && i < sizeof per_jail / sizeof per_jail[0]; i++)
        if (strncmp(entry, per_jail[i], strlen(per_jail[i])) == 0) return 1;
    return 0;
}

static char **caller_environment(const char *ns, int shares_state) {
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
        if ((len += (size_t)n) > NX_ENVIRON_MAX_BYTES) refuse("environ", "too large");
    }
    close(fd);
    size_t count = 0;
    for (size_t i = 0; i < len; i++) count += buf[i] == 0;
    char **envp = malloc((count + 5) * sizeof *envp), **out = envp;
    if (!envp) refuse("environ", "no memory");
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
        if (buf[i] && !dropped(buf + i, shares_state)) *out++ = buf + i;
    // The jail's own bus and runtime directory where it has one (the
    // caller has /run/user/UID), else no bus.
    if (!shares_state && !runtime_made) *out++ = "DBUS_SESSION_BUS_ADDRESS=disabled:";
    if (!shares_state && runtime_made &&
        (asprintf(out++, "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/%u/bus", (unsigned)getuid()) < 0 ||
         asprintf(out++, "XDG_RUNTIME_DIR=/run/user/%u", (unsigned)getuid()) < 0))
        refuse("environ", "no memory");
    if (asprintf(out++, "NETNS_EXEC=%s", ns) < 0) refuse("environ", "no memory");
    *out = NULL;
    return envp;
}

static void load_filter(int userns);
static const char *process_isolation(int allows_host_ptrace);

// 8. The jail's session bus (SessionBus.swift): where the jail has its own
// runtime directory, a dbus-daemon listening on its `bus`, started by the
// first launch under a flock, forked twice (so it belongs to no launch),
// confined as the program is (process isolation, the filter), reading a
// sealed memfd as its configuration. A bus in another network namespace
// (the jail was taken down and up) is stopped and replaced.
static int bus_answers(const char *path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path) return 0;
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    struct ucred cred;
    socklen_t length = sizeof cred;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
        close(fd);
        return 0;
    }
    close(fd);
    char ns[64];
    snprintf(ns, sizeof ns, "/proc/%d/ns/net", (int)cred.pid);
    struct stat theirs, ours;
    if (stat(ns, &theirs) != 0 || stat("/proc/self/ns/net", &ours) != 0) return 0;  // not trusted
    if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino) {
        kill(cred.pid, SIGTERM);
        return 0;
    }
    return 1;
}

static void session_bus(int allows_host_ptrace, int userns, char **envp) {
    char dir[64], socket_path[80];
    snprintf(dir, sizeof dir, "/run/user/%u", (unsigned)getuid());
    snprintf(socket_path, sizeof socket_path, "%s/bus", dir);
    if (bus_answers(socket_path)) return;
    int d = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) { dprintf(2, "ref-launcher: no session bus\n"); return; }
    int lock = openat(d, ".netns-exec-bus.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (lock < 0) { dprintf(2, "ref-launcher: no session bus\n"); close(d); return; }
    for (int waited = 0; flock(lock, LOCK_EX | LOCK_NB) != 0; waited += 20) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= 10000) goto done;
        usleep(20000);
    }
    if (bus_answers(socket_path)) goto done;
    if (unlinkat(d, "bus", 0) != 0 && errno != ENOENT) goto done;
    const char *daemon = access("/usr/bin/dbus-daemon", X_OK) == 0 ? "/usr/bin/dbus-daemon"
                       : access("/bin/dbus-daemon", X_OK) == 0 ? "/bin/dbus-daemon" : NULL;
    if (!daemon) goto done;
    char *config;
    int n = asprintf(&config,
        "<busconfig>\n  <type>session</type>\n  <listen>unix:path=%s</listen>\n  <auth>EXTERNAL</auth>\n"
        "  <standard_session_servicedirs/>\n  <policy context=\"default\">\n"
        "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n    <allow eavesdrop=\"true\"/>\n"
        "    <allow own=\"*\"/>\n  </policy>\n</busconfig>\n", socket_path);
    int memfd = n < 0 ? -1 : memfd_create("netns-exec-bus.conf", MFD_ALLOW_SEALING);
    if (memfd < 0 || write(memfd, config, (size_t)n) != n ||
        fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
        goto done;
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) goto done;
    pid_t child = fork();
    if (child == 0) {
        if (fork() != 0) _exit(0);
        setsid();
        if (chdir("/") != 0) _exit(126);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0) _exit(126);
        for (int fd = 0; fd < 3; fd++) dup2(null, fd);
        int pipe_fd = ready[1] == 3 ? fcntl(ready[1], F_DUPFD_CLOEXEC, 0) : ready[1];
        if (memfd == 3 ? fcntl(3, F_SETFD, 0) != 0 : dup2(memfd, 3) != 3) _exit(126);
        if (pipe_fd == 4 ? fcntl(4, F_SETFD, 0) != 0 : dup2(pipe_fd, 4) != 4) _exit(126);
        if (syscall(SYS_close_range, 5, ~0U, 0) != 0) _exit(126);
        process_isolation(allows_host_ptrace);
        load_filter(userns);
        char *argv[] = {(char *)daemon, "--nofork", "--nopidfile", "--config-file=/proc/self/fd/3",
                        "--print-address=4", NULL};
        execve(daemon, argv, envp);
        _exit(127);
    }
    close(ready[1]);
    if (child > 0) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        struct pollfd p = {.fd = ready[0], .events = POLLIN};
        char byte;
        if (poll(&p, 1, 5000) != 1 || read(ready[0], &byte, 1) != 1) dprintf(2, "ref-launcher: no session bus\n");
    }
    close(ready[0]);
done:
    close(lock);
    close(d);
}

#ifndef RUNTIME_LIBSECCOMP
// 12. The jail's filter as netns-exec loads it (SyscallFilter.swift), or its
// userns=allow variant.
static void load_filter(int userns) {
    struct sock_fprog program = {(unsigned short)(sizeof cl_jail_filter / sizeof cl_jail_filter[0]),
                                 (struct sock_filter *)cl_jail_filter};
    struct sock_fprog variant = {(unsigned short)(sizeof cl_jail_filter_userns / sizeof cl_jail_filter_userns[0]),
                                 (struct sock_filter *)cl_jail_filter_userns};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, userns ? &variant : &program) != 0) refuse("seccomp", NULL);
}
#else
// 12. The rules of JailFilter.swift built with libseccomp at every start
// (the escape suite's C copy of them, Tests/Escape/helpers/libseccomp-rules.h).
// The program is the unknown-call prefix followed by libseccomp's export, so
// it is loaded with seccomp(2) rather than seccomp_load.
static void load_filter(int userns) {  // userns: the userns=allow variant
    struct sock_fprog program;
    if (jail_program(userns, &program) != 0) refuse("seccomp rules", NULL);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) refuse("seccomp", NULL);
    free(program.filter);
}
#endif

int main(int argc, char **argv) {
#ifdef EXEC_ONLY
    if (argc > 2) execv(argv[2], argv + 2);
    return 127;
#endif
    // 1. Arguments (a leading "--" is allowed, as in netns-exec).
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (argc - i < 2 || !valid_name(argv[i], NX_NAMESPACE_NAME_MAX)) {
        dprintf(2, "usage: ref-launcher NAMESPACE COMMAND [ARG...]\n");
        return 125;
    }
    ns_name = argv[i];
    char **command = argv + i + 1;

    // Not dumpable while privileged (the kernel does it for a file-capability
    // program already; netns-exec states it).
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) refuse("PR_SET_DUMPABLE 0", NULL);
    who_is_asking();                                                                       // 2
#ifndef SKIP_IDS
    require_ordinary_user();
#endif
    struct admission entry = policy_admits(ns_name);                                       // 3
    if (!entry.admitted) refuse(ns_name, "not allowed");
    if (!isatty(2)) caller_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);       // DesktopNotice.prepare
    int nsfd = open_namespace(ns_name);                                                    // 4
    if (setns(nsfd, CLONE_NEWNET) != 0) refuse("setns", NULL);
    close(nsfd);
    if (entry.require[0]) require_up(entry.require);
    // WorkingDirectory.remember: the caller's directory as a path, before the view.
    char cwd[PATH_MAX + 1];
    int has_cwd = getcwd(cwd, sizeof cwd) != NULL && cwd[0] == '/';
#ifndef SKIP_MOUNTNS
    mount_view(ns_name, entry.shares_state, entry.host_resolver, entry.share);                                 // 5
#endif
#ifdef REF_COUNT_BINDS
    // bench/steps.sh: how many bind mounts the /run view made here.
    dprintf(2, "ref-launcher: /run view: %d bind mounts\n", run_binds);
#endif
    drop_privileges();                                                                     // 6
#ifndef SKIP_CWD
    // 7. WorkingDirectory.enter: the same path in the jail's view, as the
    // caller; else the home directory (else /), with one line.
    if (!has_cwd || chdir(cwd) != 0) {
        const char *to = caller_home && chdir(caller_home) == 0 ? caller_home : "/";
        if (to[1] == '\0' && chdir("/") != 0) refuse("chdir /", NULL);
        dprintf(2, "ref-launcher: %s is not in the jail's view; starting in %s\n", has_cwd ? cwd : "?", to);
    }
#else
    (void)has_cwd;
#endif
    char **envp = caller_environment(ns_name, entry.shares_state);                        // 8
    if (runtime_made) session_bus(entry.allows_host_ptrace, entry.permits_userns, envp);
    if (jail_home_made && caller_home) user_dirs_file();
#ifndef SKIP_HANDOFF
    hand_off_check(command[0], entry.shares_state, envp);                                  // 9
#endif
#ifndef SKIP_LANDLOCK
    const char *isolation = process_isolation(entry.allows_host_ptrace);                  // 10
#else
    const char *isolation = "skipped";
#endif
#ifndef SKIP_SYSLOG
    log_line(LOG_INFO, "entered %s: '%s'; isolation: %s", ns_name, command[0], isolation);  // 11
#else
    (void)isolation;
#endif
#ifndef SKIP_FILTER
    load_filter(entry.permits_userns);                                                     // 12
#endif
    execvpe(command[0], command, envp);                                                    // 13
    int e = errno, status = (e == ENOENT || e == ENOTDIR) ? 127 : 126;
    dprintf(2, "ref-launcher: %s: %s\n", command[0], strerror(e));
    // The "entered" line went out before execve; this one says nothing ran.
    log_line(LOG_NOTICE, "in %s: '%s' %s (exit %d); nothing ran", ns_name, command[0],
             status == 127 ? "not found" : "cannot be executed", status);
    return status;
}

// try-syscall ABI PROBE [ARG]: makes one call the jail's seccomp filter is
// meant to stop, through ABI (x64, i386 or x32), and prints "ok" or the
// errno's name. `try-syscall ABI past-filters NR` asks instead whether call
// number NR (without the x32 bit) gets past every seccomp filter already
// on the process, without running it (see past_filters). The arguments are chosen so that the kernel itself would
// answer with something other than the filter's errno where possible
// (EBADF, ENOENT, EINVAL...), so a run outside the jail shows what the
// filter changes. Test helper only; the suites build it with gcc.
#include "abi.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/tty.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MISSING "/nonexistent-nxesc"
#define HIGH_BIT (1UL << 32)

static enum nxesc_abi abi;
static char *low;   // scratch memory below 4 GiB

static long call(const char *name, long a1, long a2, long a3, long a4, long a5, long a6) {
    long nr = nxesc_number(abi, name);
    if (nr < 0) { puts("n/a"); exit(0); }
    return nxesc_sys(abi, nr, a1, a2, a3, a4, a5, a6);
}

static char *low_string(size_t offset, const char *s) {
    strcpy(low + offset, s);
    return low + offset;
}

static long do_clone(long flags) {
    long nr = nxesc_number(abi, "clone");
    long ret = nxesc_clone(abi, nr, flags | SIGCHLD);
    if (ret > 0) waitpid((pid_t)ret, NULL, 0);
    return ret;
}

static void print_netns(void) {
    char link[64] = "?";
    ssize_t n = readlink("/proc/self/ns/net", link, sizeof link - 1);
    if (n > 0) link[n] = 0;
    printf(" %s", link);
}

// The terminal probes: a pty whose slave becomes the controlling terminal
// of a child in a new session, so TIOCSTI meets the kernel's own rule
// (your controlling tty only) and only the filter stands in the way.
// The terminal ioctl a probe names, with its argument put in `low` so that
// the same pointer works through int $0x80. Each argument is chosen so that
// the kernel alone would succeed harmlessly: inject `injected`, read the
// shift state (6, TIOCL_GETSHIFTSTATE), make our own process group the
// foreground one (the step a background program takes before reading the
// next line typed into the user's shell), set the line discipline already
// in use (N_TTY; another one can kill the terminal).
static unsigned long tty_request(const char *probe, char injected) {
    if (!strncmp(probe, "tiocsti", 7)) { low[0] = injected; return TIOCSTI; }
    if (!strncmp(probe, "tioclinux", 9)) { low[0] = 6; return TIOCLINUX; }
    if (!strncmp(probe, "tiocspgrp", 9)) {
        // As an attacker would: a background group that changes the
        // foreground is stopped with SIGTTOU unless it ignores it.
        signal(SIGTTOU, SIG_IGN);
        *(pid_t *)low = getpgrp();
        return TIOCSPGRP;
    }
    *(int *)low = N_TTY;
    return TIOCSETD;
}

static long on_pty(const char *probe) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master)) return -errno;
    int pipefd[2];
    if (pipe(pipefd)) return -errno;
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int slave = open(ptsname(master), O_RDWR);   // becomes the ctty
        long ret = slave < 0 ? -errno : 0;
        if (ret == 0) {
            unsigned long hi = strstr(probe, "-hi") ? HIGH_BIT : 0;
            unsigned long request = tty_request(probe, 'X');
            ret = call("ioctl", slave, (long)(request | hi), (long)low, 0, 0, 0);
        }
        write(pipefd[1], &ret, sizeof ret);
        _exit(0);
    }
    long ret = -EIO;
    close(pipefd[1]);
    if (read(pipefd[0], &ret, sizeof ret) != sizeof ret) ret = -EIO;
    waitpid(pid, NULL, 0);
    return ret;
}

// The same ioctls on descriptor 0, for a run under script(1), where fd 0 is
// the controlling terminal the jailed program was started from.
static long on_stdin(const char *probe) {
    unsigned long hi = strstr(probe, "-hi") ? HIGH_BIT : 0;
    unsigned long request = tty_request(probe, '\n');
    return call("ioctl", 0, (long)(request | hi), (long)low, 0, 0, 0);
}

// Did call NR get past the filters already installed (the jail's)? The
// kernel runs every filter and takes the strongest answer, and an errno is
// stronger than SECCOMP_RET_USER_NOTIF. So this installs one more filter
// that hands NR (on this ABI only) to a listener thread, then makes the
// call: if the thread hears of it, no earlier filter refused it ("passed"),
// and the thread answers EXDEV so that nothing runs; otherwise the earlier
// filter's errno comes back. This tells the filter's ENOSYS from the
// kernel's own for a number the kernel does not have, on any kernel.
static int notify_fd = -1;
static int notify_pipe[2];
static volatile int heard;

static void *listen_for_call(void *unused) {
    (void)unused;
    if (read(notify_pipe[0], &notify_fd, sizeof notify_fd) != sizeof notify_fd) return NULL;
    struct seccomp_notif request;
    memset(&request, 0, sizeof request);
    if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &request) != 0) return NULL;
    __atomic_store_n(&heard, 1, __ATOMIC_SEQ_CST);
    struct seccomp_notif_resp response = {.id = request.id, .error = -EXDEV};
    ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &response);
    return NULL;
}

static const char *past_filters(long nr) {
    uint32_t arch = abi == ABI_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
    long number = abi == ABI_X32 ? nr | NXESC_X32_BIT : nr;
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)number, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof code / sizeof code[0], code};
    pthread_t listener;
    // The thread exists before the filter, so the filter (no TSYNC) is on
    // this thread only and the listener's own calls never meet it.
    if (pipe(notify_pipe) || pthread_create(&listener, NULL, listen_for_call, NULL)) return "setup-failed";
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) return "setup-failed";
    int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &program);
    if (fd < 0) return "setup-failed";
    if (write(notify_pipe[1], &fd, sizeof fd) != sizeof fd) return "setup-failed";
    long r = nxesc_sys(abi, number, 0, 0, 0, 0, 0, 0);
    if (__atomic_load_n(&heard, __ATOMIC_SEQ_CST)) return "passed";
    return nxesc_result(r);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: try-syscall x64|i386|x32 PROBE [ARG]\n");
        return 2;
    }
    abi = strcmp(argv[1], "i386") == 0 ? ABI_I386 : strcmp(argv[1], "x32") == 0 ? ABI_X32 : ABI_X64;
    low = nxesc_low(4096);
    if (!low) { perror("mmap MAP_32BIT"); return 2; }
    const char *p = argv[2];
    long arg = argc > 3 ? strtol(argv[3], NULL, 0) : -1;
    long r;

    if (!strcmp(p, "setns-badfd"))       r = call("setns", -1, CLONE_NEWNET, 0, 0, 0, 0);
    else if (!strcmp(p, "setns-fd"))     { r = call("setns", arg, CLONE_NEWNET, 0, 0, 0, 0);
                                           printf("%s", nxesc_result(r)); print_netns(); puts(""); return 0; }
    else if (!strcmp(p, "setns-path")) {
        int fd = open(argv[3], O_RDONLY | O_CLOEXEC);
        if (fd < 0) { printf("open:%s\n", strerrorname_np(errno)); return 0; }
        r = call("setns", fd, CLONE_NEWNET, 0, 0, 0, 0);
    }
    else if (!strcmp(p, "unshare-net"))   r = call("unshare", CLONE_NEWNET, 0, 0, 0, 0, 0);
    else if (!strcmp(p, "unshare-user"))  r = call("unshare", CLONE_NEWUSER, 0, 0, 0, 0, 0);
    else if (!strcmp(p, "unshare-usernet")) { r = call("unshare", CLONE_NEWUSER | CLONE_NEWNET, 0, 0, 0, 0, 0);
                                           printf("%s", nxesc_result(r)); print_netns(); puts(""); return 0; }
    else if (!strcmp(p, "unshare-time"))  r = call("unshare", CLONE_NEWTIME, 0, 0, 0, 0, 0);
    else if (!strcmp(p, "clone-newnet"))  r = do_clone(CLONE_NEWNET);
    else if (!strcmp(p, "clone-newuser")) r = do_clone(CLONE_NEWUSER);
    else if (!strcmp(p, "clone-plain"))   r = do_clone(0);
    else if (!strcmp(p, "clone3"))        r = call("clone3", 0, 0, 0, 0, 0, 0);  // size 0: EINVAL from the kernel
    else if (!strcmp(p, "mount"))         r = call("mount", (long)low_string(0, "none"), (long)low_string(64, MISSING),
                                                   (long)low_string(128, "tmpfs"), 0, 0, 0);
    else if (!strcmp(p, "umount"))        r = call("umount", (long)low_string(0, MISSING), 0, 0, 0, 0, 0);
    else if (!strcmp(p, "umount2"))       r = call("umount2", (long)low_string(0, MISSING), 0, 0, 0, 0, 0);
    else if (!strcmp(p, "pivot_root"))    r = call("pivot_root", (long)low_string(0, MISSING), (long)low_string(64, MISSING), 0, 0, 0, 0);
    else if (!strcmp(p, "chroot"))        r = call("chroot", (long)low_string(0, MISSING), 0, 0, 0, 0, 0);
    else if (!strcmp(p, "open_tree"))     r = call("open_tree", AT_FDCWD, (long)low_string(0, MISSING), 0, 0, 0, 0);
    else if (!strcmp(p, "move_mount"))    r = call("move_mount", -1, (long)low_string(0, ""), -1, (long)low_string(8, ""), 0x4 | 0x40, 0);
    else if (!strcmp(p, "fsopen"))        r = call("fsopen", (long)low_string(0, "tmpfs"), 0, 0, 0, 0, 0);
    else if (!strcmp(p, "fsconfig"))      r = call("fsconfig", -1, 0, 0, 0, 0, 0);
    else if (!strcmp(p, "fsmount"))       r = call("fsmount", -1, 0, 0, 0, 0, 0);
    else if (!strcmp(p, "fspick"))        r = call("fspick", AT_FDCWD, (long)low_string(0, MISSING), 0, 0, 0, 0);
    else if (!strcmp(p, "mount_setattr")) r = call("mount_setattr", AT_FDCWD, (long)low_string(0, MISSING), 0, 0, 0, 0);
    else if (!strcmp(p, "socket-vsock"))  r = call("socket", AF_VSOCK, SOCK_STREAM, 0, 0, 0, 0);
    else if (!strcmp(p, "socket-vsock-hi")) r = call("socket", (long)(AF_VSOCK | HIGH_BIT), SOCK_STREAM, 0, 0, 0, 0);
    else if (!strcmp(p, "socket-vsock-dgram")) r = call("socket", AF_VSOCK, SOCK_DGRAM, 0, 0, 0, 0);
    else if (!strcmp(p, "socket-inet"))   r = call("socket", AF_INET, SOCK_STREAM, 0, 0, 0, 0);
    else if (!strcmp(p, "socket-af"))     r = call("socket", arg, argc > 4 ? strtol(argv[4], NULL, 0) : SOCK_DGRAM, 0, 0, 0, 0);
    else if (!strcmp(p, "socket-af-hi"))  r = call("socket", (long)(arg | HIGH_BIT), argc > 4 ? strtol(argv[4], NULL, 0) : SOCK_DGRAM, 0, 0, 0, 0);
    else if (!strcmp(p, "socketpair-af") || !strcmp(p, "socketpair-af-hi")) {
        // The pair lands in low memory, which int $0x80 can address.
        long family = strstr(p, "-hi") ? (long)(arg | HIGH_BIT) : arg;
        r = call("socketpair", family, argc > 4 ? strtol(argv[4], NULL, 0) : SOCK_STREAM, 0, (long)low, 0, 0);
    }
    else if (!strcmp(p, "socketcall-pair-unix") || !strcmp(p, "socketcall-pair-vsock")) {
        // i386 socketcall(SYS_SOCKETPAIR, args): family, type, protocol
        // and the pair's address, in memory.
        int32_t *args = (int32_t *)low;
        args[0] = strstr(p, "vsock") ? AF_VSOCK : AF_UNIX; args[1] = SOCK_STREAM; args[2] = 0;
        args[3] = (int32_t)(long)(low + 64);
        r = call("socketcall", 8 /* SYS_SOCKETPAIR */, (long)args, 0, 0, 0, 0);
    }
    else if (!strcmp(p, "open_tree_attr")) // the kernel alone (6.15+): ENOENT
        r = call("open_tree_attr", AT_FDCWD, (long)low_string(0, MISSING), 0, 0, 0, 0);
    else if (!strcmp(p, "number")) {       // call ARG with no arguments
        r = nxesc_sys(abi, abi == ABI_X32 ? arg | NXESC_X32_BIT : arg, 0, 0, 0, 0, 0, 0);
    }
    else if (!strcmp(p, "past-filters")) { puts(past_filters(arg)); return 0; }
    else if (!strcmp(p, "socketcall-vsock") || !strcmp(p, "socketcall-inet")) {
        // i386 socketcall(SYS_SOCKET, args): the arguments sit in memory,
        // where a seccomp filter cannot read them.
        int32_t *args = (int32_t *)low;
        args[0] = strstr(p, "vsock") ? AF_VSOCK : AF_INET; args[1] = SOCK_STREAM; args[2] = 0;
        r = call("socketcall", 1 /* SYS_SOCKET */, (long)args, 0, 0, 0, 0);
    }
    else if (!strncmp(p, "tiocsti", 7) || !strncmp(p, "tioclinux", 9) ||
             !strncmp(p, "tiocspgrp", 9) || !strncmp(p, "tiocsetd", 8))
        r = argc > 3 && !strcmp(argv[3], "stdin") ? on_stdin(p) : on_pty(p);
    else if (!strcmp(p, "io_uring_setup")) r = call("io_uring_setup", 1, 0, 0, 0, 0, 0);  // NULL params: EFAULT
    else if (!strcmp(p, "io_uring_enter")) r = call("io_uring_enter", -1, 0, 0, 0, 0, 0);     // no ring: EBADF
    else if (!strcmp(p, "io_uring_register")) r = call("io_uring_register", -1, 0, 0, 0, 0, 0); // opcode 0, no args: EINVAL
    else if (!strcmp(p, "add_key"))       r = call("add_key", 0, 0, 0, 0, 0, 0);     // NULL type: EFAULT
    else if (!strcmp(p, "request_key"))   r = call("request_key", 0, 0, 0, 0, 0, 0); // NULL type: EFAULT
    else if (!strcmp(p, "keyctl"))        r = call("keyctl", -1, 0, 0, 0, 0, 0);     // no such operation: EOPNOTSUPP
    else { fprintf(stderr, "try-syscall: unknown probe %s\n", p); return 2; }

    puts(nxesc_result(r));
    return 0;
}

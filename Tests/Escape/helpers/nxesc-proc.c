// nxesc-proc MODE ...: the process, descriptor and identity probes of the
// escape matrix. Test helper only; the suites build it with gcc.
//
//   hold SECONDS         a victim: opens a listening TCP socket on
//                        127.0.0.1 in its own (host) namespace, prints
//                        "PID FD ADDR PORT" and sleeps (bounded).
//   attack PID FD ADDR SIG
//                        every ptrace-class way to act through PID, one
//                        "name=result" line each; SIG is the signal sent last
//   own-child            the same attacks on a child of our own (gdb/strace)
//   connect PORT         TCP connect to 127.0.0.1:PORT
//   fds                  the open descriptors, "N TARGET" a line
//   ids                  "euid=N capeff=HEX"
//   execenv FILE CMD...  execve CMD with the NUL-separated environment in FILE
#include "abi.h"
#include <sys/resource.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile char target_byte[64];   // what the attacks try to write

static const char *err(long rc) { return rc >= 0 ? "ok" : strerrorname_np(errno); }

static int hold(int seconds) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, (void *)&a, sizeof a) || listen(s, 4) || getsockname(s, (void *)&a, &len)) {
        perror("hold");
        return 1;
    }
    printf("%d %d %p %d\n", getpid(), s, (void *)target_byte, ntohs(a.sin_port));
    fflush(stdout);
    for (int i = 0; i < seconds * 10 && target_byte[0] == 0; i++) usleep(100000);
    return 0;
}

// After a successful attach the tracee is stopped (attach) or not (seize);
// either way it is released again so the victim survives the control run.
static void release(pid_t pid, int seized) {
    if (seized) ptrace(PTRACE_INTERRUPT, pid, 0, 0);
    waitpid(pid, NULL, __WALL);
    ptrace(PTRACE_DETACH, pid, 0, 0);
}

static void attack(pid_t pid, int fd, unsigned long addr, int sig) {
    long rc = ptrace(PTRACE_ATTACH, pid, 0, 0);
    printf("ptrace-attach=%s\n", err(rc));
    if (rc == 0) release(pid, 0);
    rc = ptrace(PTRACE_SEIZE, pid, 0, 0);
    printf("ptrace-seize=%s\n", err(rc));
    if (rc == 0) release(pid, 1);
    rc = nxesc_int80(nxesc_number(ABI_I386, "ptrace"), PTRACE_ATTACH, pid, 0, 0, 0, 0);
    printf("ptrace-attach-i386=%s\n", nxesc_result(rc));
    if (rc == 0) release(pid, 0);

    char byte = 0;   // writing 0 over 0: the victim does not notice
    struct iovec local = {&byte, 1}, remote = {(void *)addr, 1};
    printf("process_vm_writev=%s\n", err(syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0)));

    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    printf("pidfd_open=%s\n", err(pidfd));
    if (pidfd >= 0) {
        int stolen = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        printf("pidfd_getfd=%s\n", err(stolen));
        if (stolen >= 0) close(stolen);
        close(pidfd);
    }

    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int mem = open(path, O_RDWR);
    printf("proc-mem-open=%s\n", err(mem));
    if (mem >= 0) {
        printf("proc-mem-write=%s\n", err(pwrite(mem, &byte, 1, (off_t)addr)));
        close(mem);
    }
    snprintf(path, sizeof path, "/proc/%d/ns/net", pid);
    int ns = open(path, O_RDONLY);
    printf("proc-ns-open=%s\n", err(ns));
    if (ns >= 0) close(ns);
    snprintf(path, sizeof path, "/proc/%d/root/", pid);
    DIR *root = opendir(path);
    printf("proc-root-open=%s\n", err(root ? 0 : -1));
    if (root) closedir(root);

    // Resource limits: RLIMIT_CPU set on another process of the same user
    // makes the kernel kill it. Probed with RLIMIT_CORE set to the value it
    // already has, so the victim notices nothing. Reading is allowed.
    static const char *abis[] = {"x64", "i386", "x32"};
    uint64_t *limit = (uint64_t *)nxesc_low(4096);
    long got = limit ? nxesc_syscall64(nxesc_number(ABI_X64, "prlimit64"), pid, RLIMIT_CORE, 0, (long)limit, 0, 0) : -ENOMEM;
    printf("prlimit-read=%s\n", nxesc_result(got));
    for (int abi = ABI_X64; abi <= ABI_X32 && got == 0; abi++) {
        long rc = nxesc_sys((enum nxesc_abi)abi, nxesc_number((enum nxesc_abi)abi, "prlimit64"),
                            pid, RLIMIT_CORE, (long)limit, 0, 0, 0);
        printf("prlimit-set-%s=%s\n", abis[abi], nxesc_result(rc));
    }

    // The scheduler and I/O priority of another process: each set to the
    // value it already has (read first, which stays allowed), so the
    // victim notices nothing. Raw calls, on every ABI.
    uint8_t *mask = (uint8_t *)limit + 64;
    long masklen = limit ? nxesc_syscall64(nxesc_number(ABI_X64, "sched_getaffinity"), pid, 128, (long)mask, 0, 0, 0) : -ENOMEM;
    long prio = limit ? nxesc_syscall64(nxesc_number(ABI_X64, "getpriority"), 0 /* PRIO_PROCESS */, pid, 0, 0, 0, 0) : -ENOMEM;
    long ioprio = limit ? nxesc_syscall64(nxesc_number(ABI_X64, "ioprio_get"), 1 /* IOPRIO_WHO_PROCESS */, pid, 0, 0, 0, 0) : -ENOMEM;
    int *param = (int *)((uint8_t *)limit + 256);
    if (limit) *param = 0;
    printf("sched-read=%s\n", nxesc_result(masklen < 0 ? masklen : prio < 0 ? prio : ioprio < 0 ? ioprio : 0));
    for (int abi = ABI_X64; abi <= ABI_X32 && masklen > 0 && prio >= 0 && ioprio >= 0; abi++) {
        enum nxesc_abi a = (enum nxesc_abi)abi;
        printf("sched_setaffinity-%s=%s\n", abis[abi],
               nxesc_result(nxesc_sys(a, nxesc_number(a, "sched_setaffinity"), pid, masklen, (long)mask, 0, 0, 0)));
        printf("sched_setscheduler-%s=%s\n", abis[abi],
               nxesc_result(nxesc_sys(a, nxesc_number(a, "sched_setscheduler"), pid, 0 /* SCHED_OTHER */, (long)param, 0, 0, 0)));
        printf("sched_setparam-%s=%s\n", abis[abi],
               nxesc_result(nxesc_sys(a, nxesc_number(a, "sched_setparam"), pid, (long)param, 0, 0, 0, 0)));
        // getpriority answers 20 - nice; setpriority takes nice.
        printf("setpriority-%s=%s\n", abis[abi],
               nxesc_result(nxesc_sys(a, nxesc_number(a, "setpriority"), 0, pid, 20 - prio, 0, 0, 0)));
        printf("ioprio_set-%s=%s\n", abis[abi],
               nxesc_result(nxesc_sys(a, nxesc_number(a, "ioprio_set"), 1, pid, ioprio, 0, 0, 0)));
    }

    printf("kill-i386=%s\n", nxesc_result(nxesc_int80(nxesc_number(ABI_I386, "kill"), pid, 0, 0, 0, 0, 0)));
    printf("kill=%s\n", err(kill(pid, sig)));
}

static int own_child(void) {
    int pipefd[2];
    if (pipe(pipefd)) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 100; i++) usleep(100000);   // bounded: 10 s
        _exit(0);
    }
    attack(pid, pipefd[0], (unsigned long)target_byte, SIGKILL);
    waitpid(pid, NULL, 0);
    return 0;
}

static int connect_to(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    puts(err(connect(s, (void *)&a, sizeof a)));
    return 0;
}

static int list_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
        char path[300], target[512] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n > 0) target[n] = 0;
        printf("%s %s\n", e->d_name, target);
    }
    closedir(d);
    return 0;
}

static int ids(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256], cap[32] = "?";
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "CapEff: %31s", cap) == 1) break;
    printf("euid=%d capeff=%s\n", geteuid(), cap);
    return 0;
}

static int execenv(const char *file, char **cmd) {
    static char buf[1 << 16];
    int fd = open(file, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n < 0) { perror(file); return 1; }
    char *envp[512];
    int count = 0;
    for (char *p = buf; p < buf + n && count < 511; p += strlen(p) + 1) envp[count++] = p;
    envp[count] = NULL;
    execve(cmd[0], cmd, envp);
    perror(cmd[0]);
    return 127;
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "hold") && argc > 2) return hold(atoi(argv[2]));
    if (!strcmp(m, "attack") && argc > 5) {
        attack(atoi(argv[2]), atoi(argv[3]), strtoul(argv[4], NULL, 0), atoi(argv[5]));
        return 0;
    }
    if (!strcmp(m, "own-child")) return own_child();
    if (!strcmp(m, "connect") && argc > 2) return connect_to(atoi(argv[2]));
    if (!strcmp(m, "fds")) return list_fds();
    if (!strcmp(m, "ids")) return ids();
    if (!strcmp(m, "execenv") && argc > 3) return execenv(argv[2], argv + 3);
    fprintf(stderr, "usage: see the comment at the top of nxesc-proc.c\n");
    return 2;
}

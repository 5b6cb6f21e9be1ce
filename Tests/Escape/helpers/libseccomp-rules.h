// The jail's seccomp rules, written out a second time in C for libseccomp.
//
// netns-exec's filter is made at build time by netns-exec-filter from
// Sources/Filter/netns-exec-filter/JailFilter.swift, where each rule's reason is.
// This is an independent transcription of the same rule table: the escape
// suite (Tests/Escape/10-abis.sh, through export-filter.c) has libseccomp
// make a program of it and requires that program to be byte for byte the one
// compiled into netns-exec, so a rule changed in one place and not the other
// fails the suite. bench/ref-launcher.c built with -DRUNTIME_LIBSECCOMP
// includes it too, to time libseccomp building the filter at every start.
//
// jail_rules(userns) returns a context holding every rule (release it with
// seccomp_release), or NULL with errno set; userns 1 gives the variant for
// namespaces whose policy line says userns=allow (no unshare/clone namespace
// rules, no chroot rule), as JailFilter.build(permitsUserNamespaces:) does.
// jail_program(userns, &prog) gives the whole program netns-exec loads: the
// unknown-call prefix (UnknownCalls.swift, transcribed below) and then what
// libseccomp makes of those rules. Include it with _GNU_SOURCE defined (the
// CLONE_* flags of <sched.h>, memfd_create).
#ifndef NETNS_EXEC_LIBSECCOMP_RULES_H
#define NETNS_EXEC_LIBSECCOMP_RULES_H

#include <errno.h>
#include <linux/filter.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int jail_rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n, const struct scmp_arg_cmp *c) {
    return seccomp_rule_add_array(ctx, act, nr, n, c);
}

static int jail_rules_add(scmp_filter_ctx ctx, int userns) {
    int rc = 0;
#define RULE(act, nr, n, c) do { if ((rc = jail_rule(ctx, (act), (nr), (n), (c))) != 0) return rc; } while (0)
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) != 0) return rc;
#if defined(__x86_64__)
    if ((rc = seccomp_arch_add(ctx, SCMP_ARCH_X86)) != 0) return rc;
    if ((rc = seccomp_arch_add(ctx, SCMP_ARCH_X32)) != 0) return rc;
#endif
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    const uint64_t ns_flags[] = {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                 CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME};
    RULE(eperm, SCMP_SYS(setns), 0, NULL);
    for (int i = 0; i < 8 && !userns; i++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]};
        RULE(eperm, SCMP_SYS(unshare), 1, &c);
    }
    for (int i = 0; i < 7 && !userns; i++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]};
        RULE(eperm, SCMP_SYS(clone), 1, &c);
    }
    RULE(SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
    struct scmp_arg_cmp sti = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSTI};
    struct scmp_arg_cmp linux_ = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCLINUX};
    RULE(eperm, SCMP_SYS(ioctl), 1, &sti);
    RULE(eperm, SCMP_SYS(ioctl), 1, &linux_);
    struct scmp_arg_cmp spgrp = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSPGRP};
    struct scmp_arg_cmp setd = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSETD};
    RULE(eperm, SCMP_SYS(ioctl), 1, &spgrp);
    RULE(eperm, SCMP_SYS(ioctl), 1, &setd);
    // Socket families, for socket and socketpair alike: only unix, inet,
    // inet6 and netlink (AF_NETLINK is the highest).
    const uint32_t noaf = SCMP_ACT_ERRNO(EAFNOSUPPORT);
    const int family_calls[] = {SCMP_SYS(socket), SCMP_SYS(socketpair)};
    for (size_t k = 0; k < 2; k++) {
        for (uint64_t af = 0; af < AF_NETLINK; af++) {
            if (af == AF_UNIX || af == AF_INET || af == AF_INET6) continue;
            struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, af};
            RULE(noaf, family_calls[k], 1, &c);
        }
        struct scmp_arg_cmp above = {0, SCMP_CMP_GE, AF_NETLINK + 1, 0};
        RULE(noaf, family_calls[k], 1, &above);
    }
    RULE(eperm, SCMP_SYS(io_uring_setup), 0, NULL);
    RULE(eperm, SCMP_SYS(io_uring_enter), 0, NULL);
    RULE(eperm, SCMP_SYS(io_uring_register), 0, NULL);
    RULE(eperm, SCMP_SYS(add_key), 0, NULL);
    RULE(eperm, SCMP_SYS(request_key), 0, NULL);
    RULE(eperm, SCMP_SYS(keyctl), 0, NULL);
    struct scmp_arg_cmp other_pid[2] = {{0, SCMP_CMP_NE, 0, 0}, {2, SCMP_CMP_NE, 0, 0}};
    RULE(eperm, SCMP_SYS(prlimit64), 2, other_pid);
    struct scmp_arg_cmp not_self = {0, SCMP_CMP_NE, 0, 0}, not_self_who = {1, SCMP_CMP_NE, 0, 0};
    struct scmp_arg_cmp not_prio_process = {0, SCMP_CMP_NE, PRIO_PROCESS, 0};
    struct scmp_arg_cmp not_ioprio_process = {0, SCMP_CMP_NE, 1, 0};
    RULE(eperm, SCMP_SYS(sched_setaffinity), 1, &not_self);
    RULE(eperm, SCMP_SYS(sched_setscheduler), 1, &not_self);
    RULE(eperm, SCMP_SYS(sched_setparam), 1, &not_self);
    RULE(eperm, SCMP_SYS(sched_setattr), 1, &not_self);
    RULE(eperm, SCMP_SYS(setpriority), 1, &not_prio_process);
    RULE(eperm, SCMP_SYS(setpriority), 1, &not_self_who);
    RULE(eperm, SCMP_SYS(ioprio_set), 1, &not_ioprio_process);
    RULE(eperm, SCMP_SYS(ioprio_set), 1, &not_self_who);
    const int mounts[] = {SCMP_SYS(mount), SCMP_SYS(umount), SCMP_SYS(umount2),
                          SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(open_tree),
                          SCMP_SYS(move_mount), SCMP_SYS(fsopen), SCMP_SYS(fsconfig),
                          SCMP_SYS(fsmount), SCMP_SYS(fspick), SCMP_SYS(mount_setattr),
#ifdef __SNR_open_tree_attr
                          SCMP_SYS(open_tree_attr),   // else above the table: ENOSYS
#endif
    };
    for (size_t i = 0; i < sizeof mounts / sizeof mounts[0]; i++)
        if (!(userns && mounts[i] == SCMP_SYS(chroot))) RULE(eperm, mounts[i], 0, NULL);
#undef RULE
    return 0;
}

static scmp_filter_ctx jail_rules(int userns) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) { errno = ENOMEM; return NULL; }
    int rc = jail_rules_add(ctx, userns);
    if (rc != 0) {
        seccomp_release(ctx);
        errno = -rc;
        return NULL;
    }
    return ctx;
}

// The unknown-call prefix, as UnknownCalls.swift makes it: every number
// outside the table of each ABI the context names fails with ENOSYS, the
// rest goes on to libseccomp's program. The table ends at the last reviewed
// call (JAIL_REVIEWED_THROUGH, raised together with
// UnknownCalls.reviewedThrough) or lower, at the highest number this
// libseccomp names; x32 and ARM add their blocks of ABI-only calls.
#define JAIL_REVIEWED_THROUGH 466u
#define JAIL_X32_BIT 0x40000000u

struct jail_abi { uint32_t token, audit_arch, bit, own_first, own_last; };
static const struct jail_abi jail_abis[] = {
    {SCMP_ARCH_X86_64, SCMP_ARCH_X86_64, 0, 0, 0},
    {SCMP_ARCH_X32, SCMP_ARCH_X86_64, JAIL_X32_BIT, 512, 547},
    {SCMP_ARCH_X86, SCMP_ARCH_X86, 0, 0, 0},
    {SCMP_ARCH_AARCH64, SCMP_ARCH_AARCH64, 0, 0, 0},
    {SCMP_ARCH_ARM, SCMP_ARCH_ARM, 0, 0xf0001, 0xf0006},
};
#define JAIL_NABIS (sizeof jail_abis / sizeof jail_abis[0])

static uint32_t jail_last_known(const struct jail_abi *abi) {
    uint32_t n = JAIL_REVIEWED_THROUGH;
    for (; n > 0; n--) {
        char *name = seccomp_syscall_resolve_num_arch(abi->token, (int)(abi->bit | n));
        if (name) { free(name); break; }
    }
    return n;
}

// Writes the prefix to out (room for 64) and returns its length.
static size_t jail_prefix(scmp_filter_ctx ctx, struct sock_filter *out) {
    // Per audit architecture, in the order of jail_abis: its ranges, sorted.
    uint32_t arch[JAIL_NABIS], lo[JAIL_NABIS][4], hi[JAIL_NABIS][4];
    size_t narch = 0, nrange[JAIL_NABIS] = {0};
    for (size_t i = 0; i < JAIL_NABIS; i++) {
        const struct jail_abi *a = &jail_abis[i];
        if (seccomp_arch_exist(ctx, a->token) != 0) continue;
        size_t k = 0;
        while (k < narch && arch[k] != a->audit_arch) k++;
        if (k == narch) arch[narch++] = a->audit_arch;
        lo[k][nrange[k]] = a->bit;
        hi[k][nrange[k]++] = a->bit | jail_last_known(a);
        if (a->own_last) {
            lo[k][nrange[k]] = a->bit | a->own_first;
            hi[k][nrange[k]++] = a->bit | a->own_last;
        }
    }
    for (size_t k = 0; k < narch; k++)          // insertion sort by first number
        for (size_t r = 1; r < nrange[k]; r++)
            for (size_t q = r; q > 0 && lo[k][q - 1] > lo[k][q]; q--) {
                uint32_t t = lo[k][q]; lo[k][q] = lo[k][q - 1]; lo[k][q - 1] = t;
                t = hi[k][q]; hi[k][q] = hi[k][q - 1]; hi[k][q - 1] = t;
            }
    // Length first: every jump is forward, to the ENOSYS return (last) or
    // to libseccomp's program (just past the prefix).
    size_t len = 1 + 2;
    for (size_t k = 0; k < narch; k++) {
        len += 2;
        for (size_t r = 0; r < nrange[k]; r++) len += lo[k][r] == 0 ? 1 : 2;
    }
    const size_t enosys = len - 1, rules = len;
    size_t pc = 0;
#define AT(target) ((uint8_t)((target) - pc - 1))
    out[pc] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4); pc++;
    for (size_t k = 0; k < narch; k++) {
        size_t block = 1;
        for (size_t r = 0; r < nrange[k]; r++) block += lo[k][r] == 0 ? 1 : 2;
        out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch[k], 0, AT(pc + 1 + block)); pc++;
        out[pc] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0); pc++;
        for (size_t r = 0; r < nrange[k]; r++) {
            size_t next = pc + (lo[k][r] == 0 ? 1 : 2);
            size_t above = r + 1 < nrange[k] ? next : enosys;
            if (lo[k][r] == 0) {
                out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi[k][r], AT(above), AT(rules)); pc++;
            } else {
                out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi[k][r], AT(above), 0); pc++;
                out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo[k][r], AT(rules), AT(enosys)); pc++;
            }
        }
    }
    out[pc] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 1); pc++;
    out[pc] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS)); pc++;
#undef AT
    return pc;
}

// The whole program, in prog->filter (free it); 0, or -1 with errno set.
static int jail_program(int userns, struct sock_fprog *prog) {
    scmp_filter_ctx ctx = jail_rules(userns);
    if (!ctx) return -1;
    struct sock_filter prefix[64];
    size_t n = jail_prefix(ctx, prefix);
    int fd = memfd_create("jail-filter", MFD_CLOEXEC), rc = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
    seccomp_release(ctx);
    off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
    struct sock_filter *all = size > 0 ? malloc(n * sizeof *all + (size_t)size) : NULL;
    if (all) memcpy(all, prefix, n * sizeof *all);
    if (!all || pread(fd, all + n, (size_t)size, 0) != size || size % sizeof *all != 0) {
        int e = rc < 0 ? -rc : size <= 0 ? EIO : errno ? errno : EIO;
        free(all);
        if (fd >= 0) close(fd);
        errno = e;
        return -1;
    }
    close(fd);
    prog->len = (unsigned short)(n + (size_t)size / sizeof *all);
    prog->filter = all;
    return 0;
}

#endif

// The jail's seccomp rules, written out a second time in C for libseccomp.
//
// netns-exec's filter is made at build time by netns-exec-filter from
// Sources/netns-exec-filter/JailFilter.swift, where each rule's reason is.
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
// rules, no chroot rule), as JailFilter.build(permitsUserNamespaces:) does. Include it with _GNU_SOURCE
// defined (the CLONE_* flags of <sched.h>).
#ifndef NETNS_EXEC_LIBSECCOMP_RULES_H
#define NETNS_EXEC_LIBSECCOMP_RULES_H

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

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
    // Socket families: only unix, inet, inet6 and netlink (AF_NETLINK is the highest).
    const uint32_t noaf = SCMP_ACT_ERRNO(EAFNOSUPPORT);
    for (uint64_t af = 0; af < AF_NETLINK; af++) {
        if (af == AF_UNIX || af == AF_INET || af == AF_INET6) continue;
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, af};
        RULE(noaf, SCMP_SYS(socket), 1, &c);
    }
    struct scmp_arg_cmp above = {0, SCMP_CMP_GE, AF_NETLINK + 1, 0};
    RULE(noaf, SCMP_SYS(socket), 1, &above);
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
                          SCMP_SYS(fsmount), SCMP_SYS(fspick), SCMP_SYS(mount_setattr)};
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

#endif

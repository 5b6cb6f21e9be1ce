// libseccomp, plus the pieces of it that are C macros Swift cannot import.
#include <seccomp.h>
#include <errno.h>

/// SCMP_ACT_ERRNO(e): the action that fails a call with errno `e`.
static inline uint32_t cs_act_errno(int e) { return SCMP_ACT_ERRNO((uint32_t)e); }

/// SCMP_SYS(name) resolves at compile time to the number libseccomp uses,
/// including its negative pseudo-numbers for calls an ABI lacks. One
/// function per call the filter names.
#define CS_SYSCALL(name) static inline int cs_sys_##name(void) { return SCMP_SYS(name); }
CS_SYSCALL(setns)
CS_SYSCALL(unshare)
CS_SYSCALL(clone)
CS_SYSCALL(clone3)
CS_SYSCALL(ioctl)
CS_SYSCALL(socket)
CS_SYSCALL(socketpair)
CS_SYSCALL(mount)
CS_SYSCALL(umount)
CS_SYSCALL(umount2)
CS_SYSCALL(pivot_root)
CS_SYSCALL(chroot)
CS_SYSCALL(open_tree)
CS_SYSCALL(move_mount)
CS_SYSCALL(fsopen)
CS_SYSCALL(fsconfig)
CS_SYSCALL(fsmount)
CS_SYSCALL(fspick)
CS_SYSCALL(mount_setattr)
CS_SYSCALL(io_uring_setup)
CS_SYSCALL(io_uring_enter)
CS_SYSCALL(io_uring_register)
CS_SYSCALL(add_key)
CS_SYSCALL(request_key)
CS_SYSCALL(keyctl)
CS_SYSCALL(prlimit64)
CS_SYSCALL(sched_setaffinity)
CS_SYSCALL(sched_setscheduler)
CS_SYSCALL(sched_setparam)
CS_SYSCALL(sched_setattr)
CS_SYSCALL(setpriority)
CS_SYSCALL(ioprio_set)
#undef CS_SYSCALL
/// open_tree_attr (Linux 6.15) by name where this libseccomp knows it, else
/// __NR_SCMP_ERROR: then it lies above the filter's table (UnknownCalls.swift
/// caps the table at the highest number libseccomp names), and the
/// unknown-call rule refuses it.
#ifdef __SNR_open_tree_attr
static inline int cs_sys_open_tree_attr(void) { return SCMP_SYS(open_tree_attr); }
#else
static inline int cs_sys_open_tree_attr(void) { return __NR_SCMP_ERROR; }
#endif

#include <linux/sched.h>   /* CLONE_NEW*: sched.h hides them behind _GNU_SOURCE */
#include <sys/ioctl.h>
#include <sys/socket.h>

static inline uint32_t cs_act_allow(void) { return SCMP_ACT_ALLOW; }
static inline uint32_t cs_arch_x86(void) { return SCMP_ARCH_X86; }
static inline uint32_t cs_arch_x32(void) { return SCMP_ARCH_X32; }
static inline uint32_t cs_arch_arm(void) { return SCMP_ARCH_ARM; }
static inline uint32_t cs_arch_x86_64(void) { return SCMP_ARCH_X86_64; }
static inline uint32_t cs_arch_aarch64(void) { return SCMP_ARCH_AARCH64; }
/// The socket families a jailed program may create; see JailFilter.swift.
static inline int cs_af_unix(void) { return AF_UNIX; }
static inline int cs_af_inet(void) { return AF_INET; }
static inline int cs_af_inet6(void) { return AF_INET6; }
static inline int cs_af_netlink(void) { return AF_NETLINK; }
static inline uint64_t cs_clone_newtime(void) { return CLONE_NEWTIME; }
/// The terminal ioctls the filter refuses (request numbers are macros).
static inline uint64_t cs_tiocsti(void) { return TIOCSTI; }
static inline uint64_t cs_tioclinux(void) { return TIOCLINUX; }
static inline uint64_t cs_tiocspgrp(void) { return TIOCSPGRP; }
static inline uint64_t cs_tiocsetd(void) { return TIOCSETD; }

// Raw system calls through the three x86 entry points a 64-bit process can
// use: the x86_64 `syscall` instruction, the i386 `int $0x80` gate, and
// `syscall` with __X32_SYSCALL_BIT set. The escape matrix runs every
// filtered call through each, because a seccomp filter that only knows one
// ABI is bypassed through another. Test helper only (built by the suites).
#ifndef NXESC_ABI_H
#define NXESC_ABI_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

enum nxesc_abi { ABI_X64, ABI_I386, ABI_X32 };

// One row per call: its number in each ABI (-1: the ABI has no such call).
// Numbers are from the kernel's syscall_64.tbl / syscall_32.tbl; x32 uses
// the 64-bit numbers except where it has its own compat entry (512+).
struct nxesc_call { const char *name; long x64, i386, x32; };
static const struct nxesc_call nxesc_calls[] = {
    {"setns", 308, 346, 308},          {"unshare", 272, 310, 272},
    {"clone", 56, 120, 56},            {"clone3", 435, 435, 435},
    {"ioctl", 16, 54, 514},            {"socket", 41, 359, 41},
    {"socketcall", -1, 102, -1},       {"mount", 165, 21, 165},
    {"umount", -1, 22, -1},            {"umount2", 166, 52, 166},
    {"pivot_root", 155, 217, 155},     {"chroot", 161, 61, 161},
    {"open_tree", 428, 428, 428},      {"move_mount", 429, 429, 429},
    {"fsopen", 430, 430, 430},         {"fsconfig", 431, 431, 431},
    {"fsmount", 432, 432, 432},        {"fspick", 433, 433, 433},
    {"mount_setattr", 442, 442, 442},  {"ptrace", 101, 26, 521},
    {"kill", 62, 37, 62},              {"pidfd_open", 434, 434, 434},
    {"pidfd_getfd", 438, 438, 438},    {"process_vm_writev", 311, 348, 540},
    {"io_uring_setup", 425, 425, 425}, {"io_uring_enter", 426, 426, 426},
    {"io_uring_register", 427, 427, 427},
    {"add_key", 248, 286, 248},        {"request_key", 249, 287, 249},
    {"keyctl", 250, 288, 250},         {"prlimit64", 302, 340, 302},
    {"sched_setaffinity", 203, 241, 203}, {"sched_getaffinity", 204, 242, 204},
    {"sched_setscheduler", 144, 156, 144}, {"sched_setparam", 142, 154, 142},
    {"setpriority", 141, 97, 141},     {"getpriority", 140, 96, 140},
    {"ioprio_set", 251, 289, 251},     {"ioprio_get", 252, 290, 252},
    {"socketpair", 53, 360, 53},       {"open_tree_attr", 467, 467, 467},
};
#define NXESC_X32_BIT 0x40000000L

static inline long nxesc_number(enum nxesc_abi abi, const char *name) {
    for (size_t i = 0; i < sizeof nxesc_calls / sizeof nxesc_calls[0]; i++) {
        if (strcmp(nxesc_calls[i].name, name) != 0) continue;
        long nr = abi == ABI_X64 ? nxesc_calls[i].x64 : abi == ABI_I386 ? nxesc_calls[i].i386 : nxesc_calls[i].x32;
        if (nr < 0) return -1;
        return abi == ABI_X32 ? nr | NXESC_X32_BIT : nr;
    }
    return -1;
}

// x86_64 and x32: the `syscall` instruction. Returns the raw kernel value
// (negative errno on failure), never touching errno.
static inline long nxesc_syscall64(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    long ret;
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory", "cc");
    return ret;
}

// i386: `int $0x80` from 64-bit code. Only the low 32 bits of each argument
// reach the kernel, so pointers must come from nxesc_low(). The sixth
// argument travels in %ebp, which is saved around the call (the helper is
// built with -mno-red-zone, so pushing below %rsp is safe). The compat
// entry zeroes r8-r11 on return.
static inline long nxesc_int80(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    int ret;
    register long r8 __asm__("r8") = a6;
    __asm__ volatile("push %%rbp\n\t"
                     "mov %%r8d, %%ebp\n\t"
                     "int $0x80\n\t"
                     "pop %%rbp"
                     : "=a"(ret), "+r"(r8)
                     : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
                     : "r9", "r10", "r11", "memory", "cc");
    return ret;
}

static inline long nxesc_sys(enum nxesc_abi abi, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    return abi == ABI_I386 ? nxesc_int80(nr, a1, a2, a3, a4, a5, a6)
                           : nxesc_syscall64(nr, a1, a2, a3, a4, a5, a6);
}

// clone with a child that exits at once, inside the same asm block, so that
// no compiler-generated code runs on the shared stack in the child.
static inline long nxesc_clone(enum nxesc_abi abi, long nr, long flags) {
    if (abi == ABI_I386) {
        int ret;
        __asm__ volatile("int $0x80\n\t"
                         "test %%eax, %%eax\n\t"
                         "jnz 1f\n\t"
                         "mov $1, %%eax\n\t"      /* i386 exit(0) */
                         "xor %%ebx, %%ebx\n\t"
                         "int $0x80\n\t"
                         "1:"
                         : "=a"(ret)
                         : "0"(nr), "b"(flags), "c"(0), "d"(0), "S"(0), "D"(0)
                         : "r8", "r9", "r10", "r11", "memory", "cc");
        return ret;
    }
    long ret;
    long exit_nr = abi == ABI_X32 ? (60 | NXESC_X32_BIT) : 60;
    register long r10 __asm__("r10") = 0;
    register long r8 __asm__("r8") = 0;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov %[ex], %%rax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "1:"
                     : "=a"(ret)
                     : "0"(nr), "D"(flags), "S"(0), "d"(0), "r"(r10), "r"(r8), [ex] "r"(exit_nr)
                     : "rcx", "r11", "memory", "cc");
    return ret;
}

// Memory below 4 GiB, for pointers passed through int $0x80 or x32.
static inline void *nxesc_low(size_t size) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

// "ok" or the errno's name (EPERM, ENOSYS...), for a raw kernel return.
static inline const char *nxesc_result(long ret) {
    if (ret >= 0 || ret < -4095) return "ok";
    const char *name = strerrorname_np((int)-ret);
    return name ? name : "E?";
}

#endif

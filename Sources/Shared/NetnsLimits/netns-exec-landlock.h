// The Landlock probe, written once for both programs: the launcher's
// CLinux.c (step 10 picks Landlock or Yama by it) and netns-jail's
// CDoctor.c (`doctor` reports what the launcher will pick). C only: it is
// not in this folder's module map, since Swift cannot call the variadic
// syscall(2). Like every shim of the project it returns what the kernel
// returned, -1 with errno on failure (CLinux.h says why that convention).
#ifndef NETNS_EXEC_LANDLOCK_H
#define NETNS_EXEC_LANDLOCK_H

#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

// Older libc headers lack the number; it is 444 on every architecture that
// has Landlock (the syscall table was unified before Linux 5.13).
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
// LANDLOCK_CREATE_RULESET_VERSION, which older kernel headers lack.
#define NX_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)

/// landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION): the
/// kernel's best Landlock ABI (>= 1), or -1 with errno ENOSYS (the kernel
/// was built without Landlock) or EOPNOTSUPP (not in the active lsm= list).
static inline int nx_landlock_abi(void) {
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, NX_LANDLOCK_CREATE_RULESET_VERSION);
}

#endif

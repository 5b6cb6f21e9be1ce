#include "CDoctor.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

// Older libc headers lack the number; it is 444 on every architecture that
// has Landlock (the syscall table was unified before Linux 5.13).
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#define NJ_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)

int nj_landlock_abi(void) {
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, NJ_LANDLOCK_CREATE_RULESET_VERSION);
    return abi >= 0 ? (int)abi : -errno;
}

int nj_file_capability(const char *path, unsigned char *buffer, size_t size) {
    ssize_t length = getxattr(path, "security.capability", buffer, size);
    return length >= 0 ? (int)length : -errno;
}

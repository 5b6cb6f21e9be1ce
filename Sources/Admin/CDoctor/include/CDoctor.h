#ifndef CDOCTOR_H
#define CDOCTOR_H

#include <stddef.h>

// The two calls `netns-jail doctor` makes that Swift's Glibc module does not
// offer: syscall(2) is variadic, so Swift does not import it (and glibc has
// no landlock_create_ruleset wrapper), and <sys/xattr.h> is not part of the
// module. The launcher's own copy of the Landlock call is in Sources/Launcher/CLinux,
// which belongs to the Embedded Swift build and is not a SwiftPM target.
// Both return -errno on failure, so no errno is read across the boundary.

/// landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION): the
/// kernel's Landlock ABI (>= 1); -ENOSYS when the kernel was built without
/// Landlock, -EOPNOTSUPP when Landlock is not in the active lsm= list.
int nj_landlock_abi(void);

/// getxattr(path, "security.capability"): the attribute's length, copied
/// into buffer; -ENODATA when the file has no capability.
int nj_file_capability(const char *path, unsigned char *buffer, size_t size);

#endif

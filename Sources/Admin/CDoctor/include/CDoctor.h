#ifndef CDOCTOR_H
#define CDOCTOR_H

#include <stddef.h>

// The two calls `netns-jail doctor` makes that Swift's Glibc module does not
// offer: syscall(2) is variadic, so Swift does not import it (and glibc has
// no landlock_create_ruleset wrapper), and <sys/xattr.h> is not part of the
// module. The Landlock probe is the launcher's own (nx_landlock_abi, in
// Sources/Shared/NetnsLimits/netns-exec-landlock.h, which
// Sources/Launcher/CLinux includes too). Both return -1 and errno on
// failure, the convention of every shim (CLinux.h says why).

/// landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION): the
/// kernel's Landlock ABI (>= 1); -1 with errno ENOSYS when the kernel was
/// built without Landlock, EOPNOTSUPP when Landlock is not in the active
/// lsm= list.
int nj_landlock_abi(void);

/// getxattr(path, "security.capability"): the attribute's length, copied
/// into buffer; -1 with errno ENODATA when the file has no capability.
int nj_file_capability(const char *path, unsigned char *buffer, size_t size);

#endif

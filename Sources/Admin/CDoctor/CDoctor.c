#include "CDoctor.h"

#include <sys/xattr.h>

// The launcher's own probe, the same code (Sources/Shared/NetnsLimits).
#include "../../Shared/NetnsLimits/netns-exec-landlock.h"

int nj_landlock_abi(void) { return nx_landlock_abi(); }

int nj_file_capability(const char *path, unsigned char *buffer, size_t size) {
    return (int)getxattr(path, "security.capability", buffer, size);
}

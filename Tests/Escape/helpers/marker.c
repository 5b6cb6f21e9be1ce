// A library that reports every process it is loaded into: it appends
// "KIND PID EXE" to MARKER (both fixed at compile time, so the line does
// not depend on the environment it is testing). Built three ways by
// 50-privileges.sh: as an LD_PRELOAD object, as an LD_AUDIT module (with
// -DAUDIT, which adds la_version) and as a fake libcap.so.2 found through
// LD_LIBRARY_PATH. If any of them ever ran inside netns-exec while it held
// its capability, the line would name netns-exec. Test helper only.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void report(const char *kind) {
    char exe[512] = "?", line[700];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = 0;
    int fd = open(MARKER, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return;
    int len = snprintf(line, sizeof line, "%s %d %s\n", kind, getpid(), exe);
    if (len > 0) write(fd, line, (size_t)len);
    close(fd);
}

__attribute__((constructor)) static void loaded(void) { report(KIND); }

#ifdef AUDIT
#include <link.h>
unsigned int la_version(unsigned int version) {
    report(KIND "-la_version");
    return version;
}
#endif

// export-filter: writes to stdout the BPF program libseccomp makes of the
// rules in libseccomp-rules.h, for Tests/Escape/10-abis.sh to compare with
// the one compiled into netns-exec; `export-filter userns` the userns=allow
// variant. Build: gcc -o export-filter export-filter.c -lseccomp.
#define _GNU_SOURCE  // CLONE_* in <sched.h>
#include <stdio.h>
#include <string.h>
#include "libseccomp-rules.h"

int main(int argc, char **argv) {
    scmp_filter_ctx ctx = jail_rules(argc == 2 && strcmp(argv[1], "userns") == 0);
    if (!ctx) {
        fprintf(stderr, "export-filter: building the rules: %s\n", strerror(errno));
        return 1;
    }
    int rc = seccomp_export_bpf(ctx, 1);
    seccomp_release(ctx);
    if (rc != 0) {
        fprintf(stderr, "export-filter: seccomp_export_bpf: %s\n", strerror(-rc));
        return 1;
    }
    return 0;
}

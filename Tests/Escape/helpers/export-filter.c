// export-filter: writes to stdout the BPF program made of the rules in
// libseccomp-rules.h (the unknown-call prefix, then what libseccomp makes of
// the rules), for Tests/Escape/10-abis.sh to compare with the one compiled
// into netns-exec; `export-filter userns` the userns=allow variant. Build: gcc -o export-filter export-filter.c -lseccomp.
#define _GNU_SOURCE  // CLONE_* in <sched.h>, memfd_create
#include <stdio.h>
#include <string.h>
#include "libseccomp-rules.h"

int main(int argc, char **argv) {
    struct sock_fprog prog;
    if (jail_program(argc == 2 && strcmp(argv[1], "userns") == 0, &prog) != 0) {
        fprintf(stderr, "export-filter: building the program: %s\n", strerror(errno));
        return 1;
    }
    size_t size = prog.len * sizeof prog.filter[0];
    if (fwrite(prog.filter, 1, size, stdout) != size || fflush(stdout) != 0) {
        perror("export-filter: writing");
        return 1;
    }
    free(prog.filter);
    return 0;
}

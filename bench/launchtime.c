// launchtime: interleaved launch timing for bench/compare.sh.
//
//   launchtime ROUNDS 'NAME' 'CMD ARG...' ['NAME' 'CMD ARG...']...
//
// Each round runs every command once, in turn, so that load from other
// programs on a busy machine falls on all of them alike (hyperfine runs one
// command's batch after another). Per command it prints the wall time
// (median and 10th percentile) and the CPU time the kernel charged to the
// child (user + system, from wait4), which other processes' load barely
// changes. Commands are split on spaces; no shell is involved.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_ARGS 32

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 4 || (argc - 2) % 2 != 0 || (argc - 2) / 2 > MAX_CMDS) {
        fprintf(stderr, "usage: launchtime ROUNDS NAME 'CMD ARG...' [NAME 'CMD ARG...']...\n");
        return 2;
    }
    int rounds = atoi(argv[1]), ncmd = (argc - 2) / 2;
    if (rounds < 1 || rounds > 100000) return 2;
    char *names[MAX_CMDS], *words[MAX_CMDS][MAX_ARGS + 1];
    for (int c = 0; c < ncmd; c++) {
        names[c] = argv[2 + 2 * c];
        int n = 0;
        for (char *save = NULL, *w = strtok_r(argv[3 + 2 * c], " ", &save); w && n < MAX_ARGS;
             w = strtok_r(NULL, " ", &save))
            words[c][n++] = w;
        words[c][n] = NULL;
    }
    double *wall = calloc((size_t)ncmd * rounds, sizeof *wall);
    double *cpu = calloc((size_t)ncmd * rounds, sizeof *cpu);
    int failures[MAX_CMDS] = {0};
    for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < ncmd; c++) {
            double t0 = now();
            pid_t pid = fork();
            if (pid < 0) { perror("fork"); return 1; }
            if (pid == 0) {
                if (!freopen("/dev/null", "w", stdout)) _exit(126);
                execv(words[c][0], words[c]);
                _exit(127);
            }
            int status;
            struct rusage ru;
            if (wait4(pid, &status, 0, &ru) != pid) { perror("wait4"); return 1; }
            wall[c * rounds + r] = now() - t0;
            cpu[c * rounds + r] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                                  ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failures[c]++;
        }
    }
    printf("%-16s %10s %10s %12s %10s\n", "command", "median ms", "p10 ms", "cpu mean ms", "failures");
    for (int c = 0; c < ncmd; c++) {
        double *w = wall + c * rounds, sum = 0;
        for (int r = 0; r < rounds; r++) sum += cpu[c * rounds + r];
        qsort(w, rounds, sizeof *w, cmp_double);
        printf("%-16s %10.3f %10.3f %12.3f %10d\n", names[c], w[rounds / 2] * 1e3,
               w[rounds / 10] * 1e3, sum / rounds * 1e3, failures[c]);
    }
    return 0;
}

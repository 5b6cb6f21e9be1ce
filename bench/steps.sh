#!/bin/bash
# bench/steps.sh (make bench-steps): what each launch step costs, measured
# by leaving it out of the C reference launcher one at a time
# (bench/ref-launcher.c built with -DSKIP_<STEP>) and timing every variant
# interleaved round by round with the full reference (bench/launchtime.c),
# as the benchmark user, in the set-up of `make bench` (bench/setup.sh).
# "exec only" is a capability program that does nothing but exec the
# command: the price of the second execve itself. Run as root; it writes
# nothing into docs/. BENCH_ROUNDS (default 400).
set -u
set -o pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-400}
# shellcheck source=setup.sh
. "$REPO_ROOT/bench/setup.sh"


# The SKIP_* switches of bench/ref-launcher.c (its header says what each
# leaves out); MOUNTNS leaves out the whole mount namespace, OVERLAY, SYS,
# PROC, RUN, HOST_MOUNTS and STATE one part of it each; CWD the working
# directory step.
steps="IDS NSS USERNS MOUNTNS OVERLAY SYS PROC RUN HOST_MOUNTS STATE CWD LANDLOCK SYSLOG FILTER"
args=("/bin/true" "/bin/true" "full" "$REF $NS /bin/true")
for step in $steps EXEC_ONLY; do
    flag=-DSKIP_$step
    [ "$step" = EXEC_ONLY ] && flag=-DEXEC_ONLY
    # Unused-function warnings are expected: the step's code is left out.
    gcc -O2 -fPIE -pie "${REF_INCLUDES[@]}" "$flag" -o "$SCRATCH/bin/ref-$step" \
        "$REPO_ROOT/bench/ref-launcher.c" 2>/dev/null || die "cannot build the $step variant"
    bin=$(install_capable "$SCRATCH/bin/ref-$step" "ref-$step.cap") || die "cannot install the $step variant"
    # Every variant must still launch, or its time is a refusal's.
    [ "$(user_run "$bin" "$NS" /bin/sh -c 'echo ok')" = ok ] || die "the $step variant does not run its command"
    args+=("$step" "$bin $NS /bin/true")
done

# How big the /run view is here: it makes one bind mount per entry of
# /run (and of the rebuilt systemd/), so its cost depends on the machine.
gcc -O2 -fPIE -pie "${REF_INCLUDES[@]}" -DREF_COUNT_BINDS -o "$SCRATCH/bin/ref-count" \
    "$REPO_ROOT/bench/ref-launcher.c" || die "cannot build the counting variant"
bin=$(install_capable "$SCRATCH/bin/ref-count" "ref-count.cap") || die "cannot install the counting variant"
RUN_BINDS=$(user_run "$bin" "$NS" /bin/true 2>&1 | sed -n 's/.*: \([0-9]*\) bind mounts$/\1/p')
echo "== /run here: $(find /run -mindepth 1 -maxdepth 1 | wc -l) entries; the jail's /run view makes ${RUN_BINDS:-?} bind mounts"

echo "== $ROUNDS interleaved rounds"
user_run "$LAUNCHTIME" "$ROUNDS" "${args[@]}" | tee "$SCRATCH/out/steps.txt" ||
    die "launchtime failed"
echo
echo "== what leaving each step out saves (CPU time per launch against the full reference)"
awk '
    $1 == "full" { full = $4 }
    $1 == "/bin/true" { base = $4 }
    NR > 1 && $1 != "full" && $1 != "/bin/true" { cpu[$1] = $4; order[++n] = $1 }
    END {
        for (i = 1; i <= n; i++) {
            s = order[i]
            if (s == "EXEC_ONLY")
                printf "  %-10s %6.3f ms over /bin/true (a capability program that only execs)\n", s, cpu[s] - base
            else
                printf "  %-10s %6.3f ms\n", s, full - cpu[s]
        }
        printf "  full reference: %.3f ms, /bin/true alone: %.3f ms\n", full, base
    }' "$SCRATCH/out/steps.txt"

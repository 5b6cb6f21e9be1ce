#!/bin/bash
# Runs every privileged shell suite given on the command line (or all of
# them), then prints one closing line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export REPO_ROOT=$PWD
export NETNS_TEST_RESULTS
NETNS_TEST_RESULTS=$(mktemp)
trap 'rm -f "$NETNS_TEST_RESULTS"' EXIT

# No arguments: every suite. --host: every suite but the guest-kernel
# matrix (make test-host, the quicker loop while iterating).
guests=Tests/Guest/*.sh
if [ "${1:-}" = --host ]; then guests=""; shift; fi
if [ $# -eq 0 ]; then
    # shellcheck disable=SC2086
    set -- Tests/Integration/*.sh Tests/EndToEnd/*.sh Tests/Escape/*.sh Tests/Packaging/*.sh \
        Tests/Desktop/*.sh $guests
fi

status=0
for suite in "$@"; do
    [ -f "$suite" ] || continue
    before=$(wc -l <"$NETNS_TEST_RESULTS")
    # Every suite is bounded; the guest-kernel matrix boots several kernels
    # under emulation and bounds each lane itself (Tests/Guest/10-kernels.sh).
    limit=900
    case $suite in Tests/Guest/*) limit=1800 ;; esac
    # A suite waits for the machine-wide suite lock (testlib.sh) inside its
    # time limit; wait here first, so a run queued behind another
    # engineer's is not cut short. Bounded: an hour.
    for ((w = 0; w < 3600; w++)); do
        holder=$(cat /run/netns-exec-suites.lock/pid 2>/dev/null) || break
        kill -0 "$holder" 2>/dev/null || break
        sleep 1
    done
    if ! timeout "$limit" bash "$suite"; then status=1; fi
    # A suite that died before suite_end still counts as a failure.
    if [ "$(wc -l <"$NETNS_TEST_RESULTS")" -eq "$before" ]; then
        echo "0 1 0 $suite(died)" >>"$NETNS_TEST_RESULTS"
        status=1
    fi
done

awk '{p+=$1; f+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$NETNS_TEST_RESULTS"
exit $status

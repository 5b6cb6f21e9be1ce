#!/bin/bash
# Runs inside a guest (from the run.sh the host writes): the guest's
# identity, `netns-jail doctor` when there is one, then each suite through
# Tests/run-suites.sh, timed one by one so the host can report where a
# guest's time goes. Ends with run-suites' own closing line, summed.
# Usage: in-guest.sh SUITE...   (REPO_ROOT and CI come from run.sh); a
# SUITE may also be demo/demo.sh, make demo's script.
set -u
cd "$REPO_ROOT" || exit 125
share=/nxe-run

echo "guest: kernel $(uname -r); lsm=$(cat /sys/kernel/security/lsm 2>/dev/null);" \
    "ptrace_scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none);" \
    "NETNS_TEST_EXPECT_WG=${NETNS_TEST_EXPECT_WG:-}"

jail=$REPO_ROOT/.build/release/netns-jail
if "$jail" doctor --help >/dev/null 2>&1; then
    timeout 120 "$jail" doctor >"$share/doctor.log" 2>&1
    echo "guest: netns-jail doctor exited $? (doctor.log)"
else
    echo "netns-jail has no doctor subcommand in this build" >"$share/doctor.log"
fi

passed=0 failed=0 skipped=0 status=0
out=$(mktemp)
for suite in "$@"; do
    # A guest inside a guest would be TCG inside TCG: hours, not minutes.
    case $suite in Tests/Guest/*) echo "guest: not running $suite in a guest"; continue ;; esac
    start=$SECONDS
    case $suite in
        demo/demo.sh)
            # make demo, as a user runs it: each claim it checks is one
            # "  ok" or "  FAILED" line, and it exits 1 when any failed.
            bash demo/demo.sh 2>&1 | tee "$out"
            rc=${PIPESTATUS[0]}
            ok=$(grep -c '^  ok ' "$out") bad=$(grep -c '^  FAILED ' "$out")
            [ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || bad=1
            echo "$ok passed, $bad failed, 0 skipped" >>"$out"
            ;;
        *)
            Tests/run-suites.sh "$suite" 2>&1 | tee "$out"
            rc=${PIPESTATUS[0]}
            ;;
    esac
    [ "$rc" -eq 0 ] || status=1
    line=$(tail -n 1 "$out")
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
        skipped=$((skipped + BASH_REMATCH[3]))
    else
        failed=$((failed + 1)) status=1
    fi
    echo "guest-suite-time $suite $((SECONDS - start))s rc=$rc"
done
rm -f "$out"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status

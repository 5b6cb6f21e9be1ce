#!/bin/bash
# The privileged suites again, inside Debian distribution kernels booted in
# qemu: what netns-exec meets on machines that are not this one (older
# kernels, other LSM lists, Yama). Each guest's root is this machine's own,
# read-only over 9p with a tmpfs overlay, so the guest runs the binaries
# make built here and never compiles anything. Tests/Guest/boot runs one
# kernel by hand; Tests/Guest/lib/ has the harness.
#
# One check per kernel: it passes when the guest booted, ran every suite
# and run-suites reported no failure. Settings (environment):
#   NXE_GUEST_MATRIX  "NAME:LSM:PTRACE_SCOPE[:SUITE+SUITE...] ..." (LSM "default" =
#                     the kernel's own; the suites, when given, replace NXE_GUEST_SUITES)
#   NXE_GUEST_SUITES  the suites each guest runs (paths in this repository), or "all"
#   NXE_GUEST_BUDGET  seconds for the whole matrix; kernels share what is left
#   NXE_GUEST_ACCEL   tcg (default) or kvm; see README.md here
# The guest's output, console and `netns-jail doctor` report are kept in
# .build-guest/logs/.
. "$(dirname "$0")/../lib/testlib.sh"
GUEST_DIR=$REPO_ROOT/Tests/Guest
. "$GUEST_DIR/lib/kernels.sh"
. "$GUEST_DIR/lib/guest.sh"

# 6.12 with Slackware's LSM list: no Landlock, Yama at 1. 5.10 has no
# Landlock and Debian leaves Yama at 0 there, so netns-exec refuses every
# launch; it is also the slowest guest under TCG (boot 40-100 s, suites
# two to three times 6.1's), so it runs the two suites that show the
# refusal and what it protects, and not the traffic suite, which would
# only repeat the refusal and not fit the budget.
MATRIX=${NXE_GUEST_MATRIX:-"6.1:default: 6.12:lockdown,yama,loadpin,safesetid,integrity:1
 5.10:default::Tests/Integration/10-launch.sh+Tests/Escape/50-privileges.sh"}
# Under TCG a guest is slow: the whole list takes about 14 minutes on 6.1
# alone, more on 5.10 (README.md here has the times per suite), so by
# default each guest runs the suites that meet what differs between
# kernels: launching (Landlock present or not, the /etc overlay), ptrace
# and privileges (Yama), and a jail's traffic over kernel WireGuard. "all"
# is the whole list; give it a budget to match (NXE_GUEST_BUDGET=3000,
# and run the suite directly: run-suites.sh stops a suite at 900 s).
ALL_SUITES="Tests/Integration/10-launch.sh Tests/Integration/20-refusals.sh Tests/Escape/*.sh Tests/EndToEnd/*.sh"
DEFAULT_SUITES="Tests/Integration/10-launch.sh Tests/Escape/50-privileges.sh Tests/EndToEnd/10-jail-traffic.sh"
SUITES=${NXE_GUEST_SUITES:-$DEFAULT_SUITES}
[ "$SUITES" = all ] && SUITES=$ALL_SUITES
# run-suites.sh stops any suite after 900 s; stay inside that.
BUDGET=${NXE_GUEST_BUDGET:-840}
LOGS=$REPO_ROOT/.build-guest/logs

suite_begin guest-kernels
require_root
require_cmd qemu-system-x86_64 apt-get apt-cache dpkg-deb cpio gzip xz depmod timeout
for b in .build/release/netns-exec .build/release/netns-jail .build-test/release/netns-exec \
    .build-pause/release/netns-exec; do
    [ -x "$REPO_ROOT/$b" ] || { skip "$b missing (make build test-build pause-build)"; suite_end; }
done
mkdir -p "$LOGS"
# shellcheck disable=SC2086
suites=$(cd "$REPO_ROOT" && echo $SUITES)
on_exit 'kill_pid "${GUEST_QPID:-}"'

start=$SECONDS
set -- $MATRIX
while [ $# -gt 0 ]; do
    IFS=: read -r name lsm yama own <<<"$1"; shift
    these=$suites
    [ -n "$own" ] && these=${own//+/ }
    label="lsm=$lsm${yama:+, ptrace_scope=$yama}"

    t=$SECONDS
    if ! guest_fetch_kernel "$name"; then
        skip "kernel $name ($label): could not download or unpack it"
        continue
    fi
    fetch=$((SECONDS - t))

    # Whatever earlier kernels left of the budget is shared among the rest.
    left=$((BUDGET - (SECONDS - start)))
    per=$((left / ($# + 1)))
    if [ "$per" -lt 60 ]; then
        fail "kernel $GUEST_KVER ($label): no time left in the ${BUDGET}s budget"
        continue
    fi

    run=$(mktemp -d /var/tmp/nxe-guest-run.XXXXXX) || { fail "no run directory"; continue; }
    on_exit "rm -rf '$run'"
    # shellcheck disable=SC2086
    guest_write_run_script "$run/run.sh" "$REPO_ROOT" bash Tests/Guest/lib/in-guest.sh $these
    NXE_GUEST_TIMEOUT=$per guest_run "$name" "$run" "$lsm" "$yama"
    rc=$?

    log=$LOGS/$GUEST_KVER
    rm -f "$log.log" "$log.console.log" "$log.doctor.log"
    cp "$run/console.log" "$log.console.log" 2>/dev/null
    cp "$run/output.log" "$log.log" 2>/dev/null || : >"$log.log"
    cp "$run/doctor.log" "$log.doctor.log" 2>/dev/null
    closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log.log" | tail -n 1)
    status=$(cat "$run/exit-status" 2>/dev/null)
    rm -rf "$run"

    what="kernel $GUEST_KVER ($label)"
    times="in ${GUEST_RUN_SECS} s (download/unpack ${fetch} s, boot ${GUEST_BOOT_SECS} s)"
    case $rc in
        0)
            if [ -z "$closing" ]; then
                fail "$what: the guest ran but printed no closing line (exit $status) $times"
            elif [ "$status" = 0 ] && [[ $closing == *" 0 failed,"* ]]; then
                pass "$what: $closing $times"
            else
                fail "$what: $closing $times"
            fi
            ;;
        2) fail "$what: timed out or stalled $times" ;;
        *) fail "$what: did not boot or did not finish $times" ;;
    esac
    sed -n 's/^guest-suite-time /       suite time: /p' "$log.log"
    grep -E '^(fail|warn) ' "$log.doctor.log" 2>/dev/null | sed 's/^/       doctor: /'
    if [ "$rc" -ne 0 ] || [ "$status" != 0 ]; then
        echo "       first failing lines (all of it: ${log#"$REPO_ROOT"/}.log):"
        # The console repeats the output; it is read only for init's own words.
        { grep -E '^  FAIL|\(died\)|^guest-suite-time .* rc=[^0]' "$log.log"
          grep -E '^nxe-init: FATAL' "$log.console.log"; } 2>/dev/null | head -n 25 | sed 's/^/       /'
        if [ "$rc" -ne 0 ]; then
            echo "       end of the console:"
            tail -n 15 "$log.console.log" | sed 's/^/       /'
        fi
    fi
done
suite_end

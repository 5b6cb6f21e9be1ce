#!/bin/bash
# The privileged suites again, inside Debian distribution kernels booted in
# qemu: what netns-exec meets on machines that are not this one (older
# kernels, other LSM lists, Yama, kernel WireGuard). Each guest's root is
# this machine's own, read-only over 9p with a tmpfs overlay, so the guest
# runs the binaries make built here and never compiles anything.
# Tests/Guest/boot runs one kernel by hand; Tests/Guest/lib/ has the harness.
#
# One check per kernel: it passes when the guest booted, ran every suite
# and run-suites reported no failure. The kernels run in two lanes at once
# (one TCG CPU each; this machine has two), each lane one kernel after the
# other. Settings (environment):
#   NXE_GUEST_LANES   lanes, separated by "|"; each a list of kernel entries
#                     "NAME:LSM:PTRACE_SCOPE:SUITE+SUITE..." (LSM "default" =
#                     the kernel's own, an empty scope leaves the kernel's)
#   NXE_GUEST_BUDGET  seconds for each lane; its kernels share what is left
#   NXE_GUEST_ACCEL   tcg (default), kvm or auto; see README.md here
# The guest's output, console and `netns-jail doctor` report are kept in
# .build-guest/logs/.
. "$(dirname "$0")/../lib/testlib.sh"
GUEST_DIR=$REPO_ROOT/Tests/Guest
. "$GUEST_DIR/lib/kernels.sh"
. "$GUEST_DIR/lib/guest.sh"

# What each kernel runs. Under TCG a guest is slow (README.md here has the
# time of every suite per kernel), so each runs what differs on it:
#  - 6.12 with Slackware's LSM list (no Landlock, Yama at 1): the whole
#    escape matrix, launch, refusal and doctor suites, and what users run
#    on top: provider port forwarding with a jailed qBittorrent
#    (EndToEnd/50, the jail over kernel WireGuard, its tunnel crashed and
#    rebuilt), which failed on these kernels while passing on the host
#    (issue 20). The filter's suite (Escape/10) runs here only: its rules
#    do not depend on the kernel, but the kernel's own answers (its
#    controls) do.
#  - 6.1 (Landlock ABI 2, REFER granted): launch, refusal, doctor, the
#    escape matrix but Escape/10, and the jail's traffic and kill switch
#    over kernel WireGuard (EndToEnd/10, /20; on 6.12 as well they made
#    that lane pass 1200 s), and OpenVPN jails (EndToEnd/70: the tun
#    driver, a module in Debian's kernels, and the host's openvpn; about
#    200 s here).
#  - 5.10 (no Landlock; Debian's Yama default is 0, so launches are refused
#    there, as doctor says; the scope is set to 1): launch and traffic only,
#    as it is the slowest guest (boot about 60 s, every suite about twice
#    6.1's). The refusal with no guard at all is shown on 6.12's profile,
#    whose refusal suite lowers the scope to 0.
# make demo's script can be an entry too (demo/demo.sh: about 200 s on 6.1,
# where it passes); it fits in neither lane's budget.
common="Tests/Integration/10-launch.sh+Tests/Integration/20-refusals.sh+Tests/Integration/40-doctor.sh"
escape="Tests/Escape/20-namespaces.sh+Tests/Escape/30-processes.sh+Tests/Escape/40-terminal.sh+Tests/Escape/50-privileges.sh+Tests/Escape/60-descriptors-env.sh"
traffic="Tests/EndToEnd/10-jail-traffic.sh+Tests/EndToEnd/20-kill-switch.sh"
SLACK=lockdown,yama,loadpin,safesetid,integrity
LANES=${NXE_GUEST_LANES:-"6.12:$SLACK:1:$common+Tests/Escape/10-abis.sh+$escape+Tests/EndToEnd/50-port-forward.sh | 6.1:default::$common+$escape+$traffic+Tests/EndToEnd/70-openvpn.sh 5.10:default:1:Tests/Integration/10-launch.sh+Tests/EndToEnd/10-jail-traffic.sh"}
# run-suites.sh stops any suite after 900 s (this one is given more, see
# there); each lane stays inside its budget.
BUDGET=${NXE_GUEST_BUDGET:-1200}
LOGS=$REPO_ROOT/.build-guest/logs

NXE_SUITE_LOCK=off  # its suites run inside the guests (testlib.sh)
suite_begin guest-kernels
require_root
require_cmd qemu-system-x86_64 apt-get apt-cache dpkg-deb cpio gzip xz depmod timeout flock
for b in .build/release/netns-exec .build/release/netns-jail .build-test/release/netns-exec \
    .build-pause/release/netns-exec; do
    [ -x "$REPO_ROOT/$b" ] || { skip "$b missing (make build test-build pause-build)"; suite_end; }
done
mkdir -p "$LOGS"
RESULTS=$(mktemp -d /var/tmp/nxe-guest-results.XXXXXX) || { fail "no results directory"; suite_end; }
on_exit "rm -rf '$RESULTS'"

# Everything the guests need (kernels, busybox, initramfs images) is
# fetched first, in order and under the cache's lock (lib/kernels.sh), so
# the lanes never download or write into the cache while guests boot; a
# cold cache and a warm one give the same guests. A kernel that cannot be
# fetched fails the suite here, with the fetch's own one-line reason.
names=""
for entry in ${LANES//|/ }; do
    name=${entry%%:*}
    case " $names " in *" $name "*) ;; *) names="$names $name" ;; esac
done
t=$SECONDS
# shellcheck disable=SC2086
if fetched=$(guest_prefetch $names); then
    while read -r name kver how secs; do
        echo "       kernel $name: $kver ($how, $secs s)"
    done <<<"$fetched"
    echo "       guest cache $GUEST_CACHE ready in $((SECONDS - t)) s"
else
    fail "guest cache: could not fetch every kernel of the matrix ($names) into $GUEST_CACHE (the line above says why)"
    suite_end
fi

# run_kernel ENTRY SECONDS OUT: boots one kernel, runs its suites, and
# writes "pass|fail TEXT" and the report lines to OUT. (A lane runs in a
# subshell, so the verdicts travel through files, not through pass/fail.)
run_kernel() {
    local entry=$1 limit=$2 out=$3 name lsm yama own these label run rc log closing status what times
    IFS=: read -r name lsm yama own <<<"$entry"
    these=${own//+/ }
    label="lsm=$lsm${yama:+, ptrace_scope=$yama}"
    guest_fetch_kernel "$name" >/dev/null 2>&1 || { echo "fail kernel $name ($label): not fetched" >"$out"; return; }
    run=$(mktemp -d /var/tmp/nxe-guest-run.XXXXXX) || { echo "fail kernel $name: no run directory" >"$out"; return; }
    # shellcheck disable=SC2086
    guest_write_run_script "$run/run.sh" "$REPO_ROOT" bash Tests/Guest/lib/in-guest.sh $these
    NXE_GUEST_TIMEOUT=$limit guest_run "$name" "$run" "$lsm" "$yama"
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
    times="in ${GUEST_RUN_SECS} s (boot ${GUEST_BOOT_SECS} s)"
    {
        case $rc in
            0)
                if [ -z "$closing" ]; then
                    echo "fail $what: the guest ran but printed no closing line (exit $status) $times"
                elif [ "$status" = 0 ] && [[ $closing == *" 0 failed,"* ]]; then
                    echo "pass $what: $closing $times"
                else
                    echo "fail $what: $closing $times"
                fi
                ;;
            2) echo "fail $what: timed out or stalled $times" ;;
            *) echo "fail $what: did not boot or did not finish $times" ;;
        esac
        sed -n 's/^guest-suite-time /       suite time: /p' "$log.log"
        grep -E '^(ok|fail|warn) +(isolation|etc overlay|wireguard)' "$log.doctor.log" 2>/dev/null | sed 's/^/       doctor: /'
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
    } >"$out"
}

# _entry_weight ENTRY: a kernel's share of its lane: its suites, plus three
# for the boot (5.10 boots in 60-100 s under TCG, about two suites' time).
_entry_weight() {
    local suites=${1##*:}
    suites=${suites//[^+]/}
    echo $((${#suites} + 1 + 3))
}

# run_lane N ENTRY...: the lane's kernels one after the other, sharing the
# lane's budget by weight: each gets what is left times its weight over
# the weights still to run, so a kernel with many suites is not held to an
# even split with one that runs two, and time a kernel leaves unused goes
# to the next.
run_lane() {
    local lane=$1 start=$SECONDS i=0 left per e total; shift
    while [ $# -gt 0 ]; do
        i=$((i + 1))
        left=$((BUDGET - (SECONDS - start)))
        total=0
        for e; do total=$((total + $(_entry_weight "$e"))); done
        per=$((left * $(_entry_weight "$1") / total))
        if [ "$per" -lt 60 ]; then
            echo "fail kernel ${1%%:*}: no time left in the lane's ${BUDGET}s budget" >"$RESULTS/$lane.$i"
        else
            run_kernel "$1" "$per" "$RESULTS/$lane.$i"
        fi
        shift
    done
}

started=$SECONDS
lane=0 pids=""
IFS='|' read -ra lanes <<<"$LANES"
for entries in "${lanes[@]}"; do
    lane=$((lane + 1))
    # shellcheck disable=SC2086
    run_lane "$lane" $entries &
    pids="$pids $!"
    on_exit "kill_pid $!"
done
# Each lane ends by itself (every guest runs under timeout); wait is bounded
# by that.
for pid in $pids; do wait "$pid"; done
for f in "$RESULTS"/*; do
    [ -e "$f" ] || continue
    verdict=$(head -n 1 "$f")
    case $verdict in
        pass\ *) pass "${verdict#pass }" ;;
        *) fail "${verdict#fail }" ;;
    esac
    tail -n +2 "$f"
done
echo "       the matrix took $((SECONDS - started)) s in ${#lanes[@]} lanes"
suite_end

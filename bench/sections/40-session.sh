#!/bin/bash
# A section of make bench (bench/sections/README.md), and make bench-session
# alone: what the jail session (issue 23: the jail's own home with the XDG
# user directories shared in, its own runtime directory, its own session
# bus) costs a launch. A user with a home and a runtime directory, as a
# desktop user has, launches /bin/true:
#   - into a state=shared jail: the same launcher without the session,
#   - into a per-jail jail with its bus already running,
#   - into the per-jail jail with every launch the first of the session (a
#     hyperfine --prepare stops the bus, by PID, so the launch starts one
#     and waits until it listens),
# and the C reference launcher (bench/ref-launcher.c) the same three ways.
# Each session row is put beside its state=shared row. hyperfine runs as
# the user, so the rows are the launches alone.
# Knobs: BENCH_SESSION_RUNS (default 100), BENCH_WARMUP (default 10 here).
set -u
set -o pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_NAME=nxbsess
BENCH_WARMUP=${BENCH_WARMUP:-10}
# shellcheck source=../setup.sh
. "$REPO_ROOT/bench/setup.sh"
SRUNS=${BENCH_SESSION_RUNS:-100}

# --- the user's runtime directory, and how to stop the jail's bus -----------
RUNDIR=/run/user/$(id -u "$BENCH_USER")
[ -e "$RUNDIR" ] && die "$RUNDIR already exists; remove it (a previous run was killed?)"
install -d -m 0700 -o "$BENCH_USER" "$RUNDIR"
on_exit "rm -rf '$RUNDIR'"
STOP=$SCRATCH/bin/stop-bus
cat >"$STOP" <<STOPPER
#!/bin/sh
# The jail's bus: the bench user's dbus-daemon, stopped by PID.
for p in \$(pgrep -u $BENCH_USER -x dbus-daemon); do kill \$p; done
for i in 1 2 3 4 5 6 7 8 9 10; do pgrep -u $BENCH_USER -x dbus-daemon >/dev/null || exit 0; sleep 0.01; done
STOPPER
chmod 0755 "$STOP"
on_exit "'$STOP'"
user_run "$NX" "$NS" /bin/sh -c 'test -S "/run/user/$(id -u)/bus"' || die "netns-exec did not start the jail's bus"

# session_time LABEL [HYPERFINE-OPTION...] -- COMMAND: bench_time's row, with
# hyperfine run as the user (bench_time runs it as root, and a launch
# through as_user would time setpriv too).
session_time() {
    local label=$1 opts=() json mean
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    json=$SCRATCH/out/row.json
    rm -f "$json"
    if user_run hyperfine -N --style basic "${opts[@]}" --export-json "$json" -n "$label" "$*" >/dev/null 2>&1 &&
        mean=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f %d" % (r["mean"] * 1e3, (r["stddev"] or 0) * 1e3, r["median"] * 1e3, len(r["times"])))' "$json"); then
        set -- $mean
        bench_row "$label" "$1" ms "± $2, median $3, $4 runs"
        return 0
    fi
    bench_failed "$label" "$(bench_reason "$AS_USER" "$BENCH_USER" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ sh -c "$*")"
    return 1
}

echo "== timing ($SRUNS runs each, as $BENCH_USER; load average $(cut -d' ' -f1 /proc/loadavg))"
for l in "netns-exec:$NX" "C reference:$REF"; do
    name=${l%%:*} bin=${l#*:}
    session_time "$name, no session (state=shared)" --warmup "$BENCH_WARMUP" --runs "$SRUNS" -- "$bin $NS_SHARED /bin/true"
    user_run "$bin" "$NS" /bin/true
    session_time "$name, session, bus running" --warmup "$BENCH_WARMUP" --runs "$SRUNS" -- "$bin $NS /bin/true"
    # --prepare, as the user, before each timed launch: the bus stopped
    # (the user's own process, outside its Landlock domain).
    session_time "$name, session, first launch (starts the bus)" --warmup 3 --runs "$SRUNS" --prepare "$STOP" -- \
        "$bin $NS /bin/true"
    bench_compare "$name, session, bus running" "$name, no session (state=shared)"
    bench_compare "$name, session, first launch (starts the bus)" "$name, no session (state=shared)"
done

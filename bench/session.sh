#!/bin/bash
# make bench-session: what the jail session costs a launch. The user has a
# home and a runtime directory, as a desktop user does, and launches
# /bin/true into a per-jail jail:
#   - today's netns-exec (NX_TODAY, default: the launcher built from the
#     branch main, which covers five places in the home and has no bus),
#   - netns-exec with the jail session, its bus already running,
#   - netns-exec with the jail session, each launch the first (a hyperfine
#     --prepare stops the bus, by PID, so every launch starts one),
#   - the C reference launcher (bench/ref-launcher.c) the same two ways.
# Prints a table with each mean next to its ratio to today's, and writes it
# to bench/out/session.md. Everything it creates is removed at exit
# (bench/setup.sh).
#
# Knobs: BENCH_SESSION_RUNS (default 200), BENCH_WARMUP (default 20 here),
#        NX_TODAY (a launcher binary to compare with; default: built from
#        main into the scratch directory).
set -u
set -o pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_WARMUP=${BENCH_WARMUP:-20}
# shellcheck source=setup.sh
. "$REPO_ROOT/bench/setup.sh"
SRUNS=${BENCH_SESSION_RUNS:-200}

# --- today's launcher ---------------------------------------------------------
if [ -z "${NX_TODAY:-}" ]; then
    echo "== building today's launcher from main"
    install -d -m 0755 "$SCRATCH/main"
    git -C "$REPO_ROOT" archive main | tar -x -C "$SCRATCH/main" || die "cannot export main"
    (cd "$SCRATCH/main" && bash scripts/build-launcher.sh .build/release >/dev/null) || die "cannot build main's launcher"
    NX_TODAY=$SCRATCH/main/.build/release/netns-exec
fi
TODAY=$(install_capable "$NX_TODAY" netns-exec-today) || die "cannot install $NX_TODAY"

# --- the user's runtime directory, and how to stop the jail's bus -----------
RUNDIR=/run/user/$(id -u "$BENCH_USER")
[ -e "$RUNDIR" ] && die "$RUNDIR already exists; remove it (a previous run was killed?)"
install -d -m 0700 -o "$BENCH_USER" "$RUNDIR"
on_exit "rm -rf '$RUNDIR'"
STOP=$SCRATCH/bin/stop-bus
cat >"$STOP" <<EOF
#!/bin/sh
# The jail's bus: the bench user's dbus-daemon, stopped by PID.
for p in \$(pgrep -u $BENCH_USER -x dbus-daemon); do kill \$p; done
for i in 1 2 3 4 5 6 7 8 9 10; do pgrep -u $BENCH_USER -x dbus-daemon >/dev/null || exit 0; sleep 0.01; done
EOF
chmod 0755 "$STOP"
on_exit "'$STOP'"
user_run "$NX" "$NS" /bin/sh -c 'test -S "/run/user/$(id -u)/bus"' || die "netns-exec did not start the jail's bus"

# --- timing ---------------------------------------------------------------
LOAD=$(cut -d' ' -f1 /proc/loadavg)
echo "== timing ($SRUNS runs each, as $BENCH_USER; load average $LOAD)"
"$STOP"
user_run hyperfine -N --style basic --warmup "$BENCH_WARMUP" --runs "$SRUNS" \
    --export-json "$SCRATCH/out/today.json" -n "today's netns-exec (no session)" "$TODAY $NS /bin/true" ||
    die "hyperfine failed"
# Today's launcher made its five stores; the session's first launch would
# move them into the jail's home once. Gone, so each launch does what a
# new user's does.
rm -rf "$SCRATCH/home/.netns-exec"
user_run "$NX" "$NS" /bin/true
user_run hyperfine -N --style basic --warmup "$BENCH_WARMUP" --runs "$SRUNS" \
    --export-json "$SCRATCH/out/running.json" \
    -n "netns-exec, session, bus running" "$NX $NS /bin/true" \
    -n "C reference, session, bus running" "$REF $NS /bin/true" || die "hyperfine failed"
# --prepare, as the user, before each timed launch: the bus stopped (the
# user's own process, outside its Landlock domain), so the launch starts one.
user_run hyperfine -N --style basic --warmup 3 --runs "$SRUNS" --prepare "$STOP" \
    --export-json "$SCRATCH/out/first.json" \
    -n "netns-exec, session, first launch (starts the bus)" "$NX $NS /bin/true" \
    -n "C reference, session, first launch (starts the bus)" "$REF $NS /bin/true" || die "hyperfine failed"

mkdir -p "$REPO_ROOT/bench/out"
python3 - "$SCRATCH/out" "$LOAD" "$SRUNS" <<'PY' | tee "$REPO_ROOT/bench/out/session.md"
import json, sys
out, load, runs = sys.argv[1:4]
rows = []
for name in ("today", "running", "first"):
    for r in json.load(open(f"{out}/{name}.json"))["results"]:
        rows.append((r["command"], r["mean"], r["stddev"] or 0.0))
base = rows[0][1]
print(f"Launch of /bin/true into a per-jail jail, {runs} runs each (load average {load}); "
      "a first launch waits until the bus it starts listens.\n")
print("| launch | mean | ± | ratio to today's |")
print("|---|---|---|---|")
for name, mean, sd in rows:
    print(f"| {name} | {mean * 1000:.2f} ms | {sd * 1000:.2f} ms | {mean / base:.2f} |")
PY

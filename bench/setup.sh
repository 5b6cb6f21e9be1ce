# Shared set-up for bench/bench.sh and bench/compare.sh: source it as root.
# It creates (and registers for removal at exit, via Tests/lib/testlib.sh's
# on_exit) the namespace, the jail's /etc/netns files, the test user, the
# policy file (an existing one is put back exactly), the sudoers drop-in and
# a scratch directory holding netns-exec and the C reference launcher with
# their file capability; then it checks that each launcher really jails.
# Afterwards: NS, NS_SHARED, BENCH_USER, SCRATCH, NX, REF, REF_RT,
# REF_NOHO, WRAP, LAUNCHTIME, FILTER_DIR, user_run, die.
# shellcheck shell=bash
REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=../Tests/lib/testlib.sh
. "$REPO_ROOT/Tests/lib/testlib.sh"

# BENCH_NAME (default nxbench) names the namespaces, the user and the
# sudoers drop-in, so that a section of make bench that sources this file
# itself (bench/sections/) sets up beside the run that started it.
BN=${BENCH_NAME:-nxbench}
case $BN in *[!a-z0-9_]* | "" | ?????????*) echo "bench: BENCH_NAME must be 1 to 8 of a-z, 0-9, _" >&2; exit 1 ;; esac
NS=${BN}_ns
# The same jail with state=shared, the one case in which the launcher looks
# for a copy of the program outside (HandOff.swift).
NS_SHARED=${BN}_sh
BENCH_USER=${BN}_u
SUDOERS_NAME=$BN          # no dot: sudo ignores drop-ins whose name has one
POLICY=/etc/netns-exec.conf
RUNS=${BENCH_RUNS:-1000}
WARMUP=${BENCH_WARMUP:-50}
NETNS_EXEC_BIN=${NETNS_EXEC_BIN:-$REPO_ROOT/.build/release/netns-exec}
CAPS=cap_sys_admin+ep

die() { echo "bench: $*" >&2; exit 1; }
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || die "needs root (it creates a namespace, a user and a sudoers entry); run: sudo make bench"
for c in hyperfine gcc setcap sudo visudo ip python3 setpriv /usr/bin/time; do
    command -v "$c" >/dev/null 2>&1 || die "needs $c; run: make test-deps"
done
[ -x "$NETNS_EXEC_BIN" ] || die "$NETNS_EXEC_BIN missing; run: make build"
# shellcheck source=rows.sh
. "$REPO_ROOT/bench/rows.sh"

# The machine-wide suite lock (testlib.sh), for the whole run: the bench
# makes namespaces, a user and the policy file that the suites use too,
# and a suite beside it would share its CPU and make every number its
# load's. Its sections (bench/sections/) run under this same hold, so they
# are told not to wait for it themselves.
if [ "${NXE_SUITE_LOCK:-on}" != off ]; then
    echo "== taking the suite lock $SUITE_LOCK (suites and benchmarks run one at a time)"
    _suite_lock
    export NXE_SUITE_LOCK=off
fi

# --- scratch directory and binaries ----------------------------------------
make_scratch_dir SCRATCH || die "cannot create a scratch directory"
install -d -m 0755 -o root -g root "$SCRATCH/bin" "$SCRATCH/sbin"
install -d -m 0755 -o root -g root "$SCRATCH/out"

# install_capable SRC NAME: SRC as $SCRATCH/bin/NAME, root:root 0755, with
# the launcher's file capability, as `make install` leaves it. Prints the path.
install_capable() {
    install -m 0755 -o root -g root "$1" "$SCRATCH/bin/$2" && setcap "$CAPS" "$SCRATCH/bin/$2" &&
        echo "$SCRATCH/bin/$2"
}
install -m 0755 -o root -g root "$NETNS_EXEC_BIN" "$SCRATCH/bin/netns-exec"
# The C reference loads the seccomp filter that `make build` generated for
# netns-exec (jail-filter.h); the second build makes it with libseccomp at
# every start instead, as netns-exec did before it was precompiled.
FILTER_DIR=$(dirname "$NETNS_EXEC_BIN")/launcher-build
[ -f "$FILTER_DIR/jail-filter.h" ] || die "$FILTER_DIR/jail-filter.h missing; run: make build"
# The limits it shares with netns-exec (Sources/Shared/NetnsLimits); the rules the
# libseccomp build makes at every start are the escape suite's C copy.
REF_INCLUDES=(-I "$FILTER_DIR" -I "$REPO_ROOT/Sources/Shared/NetnsLimits")
gcc -O2 -fPIE -pie -Wall -Wextra "${REF_INCLUDES[@]}" -o "$SCRATCH/bin/ref-launcher" \
    "$REPO_ROOT/bench/ref-launcher.c" || die "cannot build bench/ref-launcher.c"
gcc -O2 -fPIE -pie -Wall -Wextra "${REF_INCLUDES[@]}" -I "$REPO_ROOT/Tests/Escape/helpers" -DRUNTIME_LIBSECCOMP \
    -o "$SCRATCH/bin/ref-launcher-rt" "$REPO_ROOT/bench/ref-launcher.c" -lseccomp ||
    die "cannot build bench/ref-launcher.c (libseccomp)"
# Without the hand-off check: what the check costs under state=shared.
gcc -O2 -fPIE -pie -Wall -Wextra -DSKIP_HANDOFF "${REF_INCLUDES[@]}" -o "$SCRATCH/bin/ref-launcher-noho" \
    "$REPO_ROOT/bench/ref-launcher.c" || die "cannot build bench/ref-launcher.c (-DSKIP_HANDOFF)"
for b in netns-exec ref-launcher ref-launcher-rt ref-launcher-noho; do
    chown root:root "$SCRATCH/bin/$b"; chmod 0755 "$SCRATCH/bin/$b"
    setcap "$CAPS" "$SCRATCH/bin/$b" || die "setcap failed on $b"
done
NX=$SCRATCH/bin/netns-exec
REF=$SCRATCH/bin/ref-launcher
REF_RT=$SCRATCH/bin/ref-launcher-rt
REF_NOHO=$SCRATCH/bin/ref-launcher-noho

# bench/launchtime.c: the interleaved timer that bench.sh, compare.sh and
# steps.sh all use.
LAUNCHTIME=$SCRATCH/bin/launchtime
gcc -O2 -Wall -o "$LAUNCHTIME" "$REPO_ROOT/bench/launchtime.c" || die "cannot build bench/launchtime.c"

# --- namespace, jail files, user --------------------------------------------
[ -e "/etc/netns/$NS" ] && die "/etc/netns/$NS already exists; remove it (a previous run was killed?)"
make_netns "$NS" || die "cannot create namespace $NS"
install -d -m 0755 -o root -g root "/etc/netns/$NS"
on_exit "rm -rf '/etc/netns/$NS'"
printf 'nameserver 192.0.2.53\n' >"/etc/netns/$NS/resolv.conf"
chmod 0644 "/etc/netns/$NS/resolv.conf"
make_netns "$NS_SHARED" || die "cannot create namespace $NS_SHARED"
[ -e "/etc/netns/$NS_SHARED" ] && die "/etc/netns/$NS_SHARED already exists; remove it (a previous run was killed?)"
install -d -m 0755 -o root -g root "/etc/netns/$NS_SHARED"
on_exit "rm -rf '/etc/netns/$NS_SHARED'"
cp -p "/etc/netns/$NS/resolv.conf" "/etc/netns/$NS_SHARED/resolv.conf"
# A home of its own, as a desktop user has: by default netns-exec gives the
# jail its own home with the user's folders shared in (binds, JailState.swift),
# which a user without a home (the test users' /nonexistent) would not pay
# for. The first launch (the checks below) creates the jail's home.
# Made with its home (usermod afterwards would fail while any process still
# runs under the account's UID).
make_test_user "$BENCH_USER" "$SCRATCH/home" || die "cannot create user $BENCH_USER"
install -d -m 0700 -o "$BENCH_USER" -g nogroup "$SCRATCH/home" || die "cannot create a home for $BENCH_USER"
chown "$BENCH_USER" "$SCRATCH/out"

# --- the policy file, read by both launchers --------------------------------
if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then
    cp -a "$POLICY" "$SCRATCH/policy.saved" || die "cannot back up $POLICY"
    on_exit "cp -a '$SCRATCH/policy.saved' '$POLICY'"
else
    on_exit "rm -f '$POLICY'"
fi
rm -f "$POLICY"
printf '# written by bench/bench.sh; restored afterwards\n%s %s\n%s %s state=shared\n' \
    "$NS" "$BENCH_USER" "$NS_SHARED" "$BENCH_USER" >"$POLICY"
chown root:root "$POLICY"; chmod 0644 "$POLICY"

# --- the sudo recipe: NOPASSWD rule -> root-owned wrapper -> ip netns exec -> sudo -u
WRAP=$SCRATCH/sbin/netns-wrap
cat >"$WRAP" <<EOF
#!/bin/sh
exec ip netns exec $NS sudo -u "\$SUDO_USER" -- "\$@"
EOF
chown root:root "$WRAP"; chmod 0755 "$WRAP"
SUDOERS=/etc/sudoers.d/$SUDOERS_NAME
[ -e "$SUDOERS" ] && die "$SUDOERS already exists; remove it (a previous run was killed?)"
on_exit "rm -f '$SUDOERS'"
printf '%s ALL=(root) NOPASSWD: %s\n' "$BENCH_USER" "$WRAP" >"$SUDOERS.tmp"
chmod 0440 "$SUDOERS.tmp"
on_exit "rm -f '$SUDOERS.tmp'"
visudo -cqf "$SUDOERS.tmp" || die "the generated sudoers rule does not parse"
mv "$SUDOERS.tmp" "$SUDOERS"

# The unprivileged side: a small fixed environment, the user's own ids.
user_run() {
    as_user "$BENCH_USER" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C.UTF-8 "$@"
}

# --- every launcher must really put /bin/true in the jail, or the numbers mean nothing
NS_ID="net:[$(stat -L -c %i "/run/netns/$NS")]"
# verify_soft LABEL CMD...: prints why CMD does not jail and returns 1, or
# returns 0; verify LABEL CMD... ends the run instead (the launchers under
# test must jail; a comparison tool that does not is only its own row).
verify_soft() {
    local label=$1; shift
    local out
    out=$(user_run "$@" /bin/sh -c 'readlink /proc/self/ns/net; cat /etc/resolv.conf; grep ^CapEff /proc/self/status; echo "env=${NETNS_EXEC-}"' 2>&1) \
        || { echo "$label failed: $(printf '%s' "$out" | tail -n 1)"; return 1; }
    case "$out" in *"$NS_ID"*) ;; *) echo "$label did not enter $NS"; return 1 ;; esac
    case "$out" in *"nameserver 192.0.2.53"*) ;; *) echo "$label did not show the jail's resolv.conf"; return 1 ;; esac
    case "$out" in *"CapEff:	0000000000000000"*) ;; *) echo "$label left capabilities"; return 1 ;; esac
    echo "  ok   $label enters $NS, shows its resolv.conf, keeps no capabilities" >&2
}
verify() { local why; why=$(verify_soft "$@") || die "$why"; }
echo "== checking the launchers"
verify netns-exec "$NX" "$NS"
verify ref-launcher "$REF" "$NS"
verify ref-launcher-rt "$REF_RT" "$NS"
verify sudo-recipe sudo -n "$WRAP"
# state=shared: the launchers enter that jail too (the hand-off rows).
SH_ID="net:[$(stat -L -c %i "/run/netns/$NS_SHARED")]"
for l in "$NX" "$REF" "$REF_NOHO"; do
    [ "$(user_run "$l" "$NS_SHARED" readlink /proc/self/ns/net)" = "$SH_ID" ] || die "$l did not enter $NS_SHARED"
done
# Both write the jail's own nsswitch.conf into the /etc overlay.
for l in "$NX" "$REF" "$REF_RT"; do
    user_run "$l" "$NS" grep -q '^# Written by netns-exec for this jail' /etc/nsswitch.conf ||
        die "$l did not show the jail's nsswitch.conf"
done
[ "$(user_run "$NX" "$NS" /bin/sh -c 'echo $NETNS_EXEC')" = "$NS" ] || die "netns-exec did not set NETNS_EXEC"
[ "$(user_run "$REF" "$NS" /bin/sh -c 'echo $NETNS_EXEC')" = "$NS" ] || die "ref-launcher did not set NETNS_EXEC"


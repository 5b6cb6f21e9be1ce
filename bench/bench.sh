#!/bin/bash
# make bench: launch latency of `netns-exec NS /bin/true` next to a minimal
# C launcher doing the same steps (bench/ref-launcher.c), the sudo wrapper
# recipe, firejail --netns and /bin/true alone, all run as an unprivileged
# user in one hyperfine run. Writes the results block of docs/BENCHMARKS.md
# and checks the targets of issue 5 (exit 1 if one is missed).
#
# Needs root (it creates a namespace, a user, a sudoers drop-in and the
# policy file). Everything it installs is registered for removal the moment
# it is created, so it is gone again even if the run fails half-way:
#   - network namespace $NS and /etc/netns/$NS/
#   - test user $BENCH_USER
#   - /etc/sudoers.d/$SUDOERS_NAME
#   - /etc/netns-exec.conf: an existing file is copied aside (cp -a) and put
#     back byte for byte with its owner, mode and times; a missing one is
#     removed again
#   - a scratch directory under /var/tmp (binaries with file capabilities;
#     not /tmp, which may be nosuid and so ignore file capabilities)
#
# Knobs: BENCH_RUNS (default 400), BENCH_WARMUP (default 30),
#        NETNS_EXEC_BIN (default .build/release/netns-exec, the real release
#        build, which reads /etc/netns-exec.conf).
set -u
set -o pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../Tests/lib/testlib.sh
. "$REPO_ROOT/Tests/lib/testlib.sh"

NS=nxbench_ns
BENCH_USER=nxbench_u
SUDOERS_NAME=nxbench          # no dot: sudo ignores drop-ins whose name has one
POLICY=/etc/netns-exec.conf
RUNS=${BENCH_RUNS:-400}
WARMUP=${BENCH_WARMUP:-30}
NETNS_EXEC_BIN=${NETNS_EXEC_BIN:-$REPO_ROOT/.build/release/netns-exec}
DOC=$REPO_ROOT/docs/BENCHMARKS.md
RAW_DIR=$REPO_ROOT/bench/out
CAPS=cap_sys_admin+ep

die() { echo "bench: $*" >&2; exit 1; }
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || die "needs root (it creates a namespace, a user and a sudoers entry); run: sudo make bench"
for c in hyperfine gcc setcap sudo visudo ip python3 setpriv /usr/bin/time; do
    command -v "$c" >/dev/null 2>&1 || die "needs $c; run: make test-deps"
done
[ -x "$NETNS_EXEC_BIN" ] || die "$NETNS_EXEC_BIN missing; run: make build"

# --- scratch directory and binaries ----------------------------------------
make_scratch_dir SCRATCH || die "cannot create a scratch directory"
install -d -m 0755 -o root -g root "$SCRATCH/bin" "$SCRATCH/sbin"
install -d -m 0755 -o root -g root "$SCRATCH/out"

install -m 0755 -o root -g root "$NETNS_EXEC_BIN" "$SCRATCH/bin/netns-exec"
gcc -O2 -fPIE -pie -Wall -Wextra -o "$SCRATCH/bin/ref-launcher" \
    "$REPO_ROOT/bench/ref-launcher.c" -lseccomp -lcap || die "cannot build bench/ref-launcher.c"
chown root:root "$SCRATCH/bin/ref-launcher"; chmod 0755 "$SCRATCH/bin/ref-launcher"
setcap "$CAPS" "$SCRATCH/bin/netns-exec" || die "setcap failed on netns-exec"
setcap "$CAPS" "$SCRATCH/bin/ref-launcher" || die "setcap failed on ref-launcher"
NX=$SCRATCH/bin/netns-exec
REF=$SCRATCH/bin/ref-launcher

# --- namespace, jail files, user --------------------------------------------
[ -e "/etc/netns/$NS" ] && die "/etc/netns/$NS already exists; remove it (a previous run was killed?)"
make_netns "$NS" || die "cannot create namespace $NS"
install -d -m 0755 -o root -g root "/etc/netns/$NS"
on_exit "rm -rf '/etc/netns/$NS'"
printf 'nameserver 192.0.2.53\n' >"/etc/netns/$NS/resolv.conf"
chmod 0644 "/etc/netns/$NS/resolv.conf"
make_test_user "$BENCH_USER" || die "cannot create user $BENCH_USER"
chown "$BENCH_USER" "$SCRATCH/out"

# --- the policy file, read by both launchers --------------------------------
if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then
    cp -a "$POLICY" "$SCRATCH/policy.saved" || die "cannot back up $POLICY"
    on_exit "cp -a '$SCRATCH/policy.saved' '$POLICY'"
else
    on_exit "rm -f '$POLICY'"
fi
rm -f "$POLICY"
printf '# written by bench/bench.sh; restored afterwards\n%s %s\n' "$NS" "$BENCH_USER" >"$POLICY"
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
verify() {
    local label=$1; shift
    local out
    out=$(user_run "$@" /bin/sh -c 'readlink /proc/self/ns/net; cat /etc/resolv.conf; grep ^CapEff /proc/self/status; echo "env=${NETNS_EXEC-}"' 2>&1) \
        || die "$label failed: $out"
    case "$out" in *"$NS_ID"*) ;; *) die "$label did not enter $NS: $out" ;; esac
    case "$out" in *"nameserver 192.0.2.53"*) ;; *) die "$label did not show the jail's resolv.conf: $out" ;; esac
    case "$out" in *"CapEff:	0000000000000000"*) ;; *) die "$label left capabilities: $out" ;; esac
    echo "  ok   $label enters $NS, shows its resolv.conf, keeps no capabilities"
}
echo "== checking the launchers"
verify netns-exec "$NX" "$NS"
verify ref-launcher "$REF" "$NS"
verify sudo-recipe sudo -n "$WRAP"
[ "$(user_run "$NX" "$NS" /bin/sh -c 'echo $NETNS_EXEC')" = "$NS" ] || die "netns-exec did not set NETNS_EXEC"
[ "$(user_run "$REF" "$NS" /bin/sh -c 'echo $NETNS_EXEC')" = "$NS" ] || die "ref-launcher did not set NETNS_EXEC"

FIREJAIL_NOTE=""
FIREJAIL=(firejail --quiet --noprofile "--netns=$NS" /bin/true)
if ! command -v firejail >/dev/null 2>&1; then
    FIREJAIL_NOTE="firejail is not installed"
elif ! fj_err=$(user_run "${FIREJAIL[@]}" 2>&1); then
    FIREJAIL_NOTE="not runnable as an unprivileged user here: $(printf '%s' "$fj_err" | head -n 1)"
fi
[ -n "$FIREJAIL_NOTE" ] && echo "  note firejail: $FIREJAIL_NOTE"

# --- timing: one hyperfine run, as the user, no shell in between ------------
cmds=(-n "netns-exec" "$NX $NS /bin/true"
      -n "C reference" "$REF $NS /bin/true"
      -n "sudo recipe" "sudo -n $WRAP /bin/true")
[ -z "$FIREJAIL_NOTE" ] && cmds+=(-n "firejail" "${FIREJAIL[*]}")
cmds+=(-n "/bin/true" "/bin/true")
echo "== timing ($RUNS runs each after $WARMUP warm-up runs, as $BENCH_USER)"
user_run hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
    --export-json "$SCRATCH/out/results.json" "${cmds[@]}" || die "hyperfine failed"

FIREJAIL_ROOT_JSON=""
if [ -n "$FIREJAIL_NOTE" ] && command -v firejail >/dev/null 2>&1 &&
   firejail --quiet --noprofile "--netns=$NS" /bin/true >/dev/null 2>&1; then
    # Not comparable (root, so none of the user checks), shown for scale only.
    echo "== firejail as root, for scale only"
    hyperfine -N --style basic --warmup 5 --runs 50 --export-json "$SCRATCH/out/firejail-root.json" \
        -n "firejail (as root)" "${FIREJAIL[*]}" && FIREJAIL_ROOT_JSON=$SCRATCH/out/firejail-root.json
fi

# --- peak RSS: ru_maxrss of the whole launch (it survives execve, so it is
# the larger of the launcher and /bin/true), median of 9 runs, as the user.
peak_rss() {
    local i
    for i in 1 2 3 4 5 6 7 8 9; do
        user_run /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
    done | sort -n | sed -n 5p
}
echo "== peak RSS"
RSS_NX=$(peak_rss "$NX" "$NS" /bin/true)
RSS_REF=$(peak_rss "$REF" "$NS" /bin/true)
RSS_SUDO=$(peak_rss sudo -n "$WRAP" /bin/true)
RSS_TRUE=$(peak_rss /bin/true)
RSS_FJ=""
[ -z "$FIREJAIL_NOTE" ] && RSS_FJ=$(peak_rss "${FIREJAIL[@]}")

# --- machine -----------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MACHINE="$CPU, $(nproc) cores; Linux $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
MACHINE="$MACHINE; glibc $(ldd --version | head -n 1 | awk '{print $NF}')"
SWIFT_V=$(swift --version 2>/dev/null | head -n 1 | sed 's/ (.*//')
GCC_V=$(gcc -dumpfullversion)
TOOLS="${SWIFT_V:-swift ?}; gcc $GCC_V; $(hyperfine --version)"

mkdir -p "$RAW_DIR"
cp "$SCRATCH/out/results.json" "$RAW_DIR/results.json"

python3 "$REPO_ROOT/bench/report.py" \
    --results "$SCRATCH/out/results.json" \
    --firejail-root "$FIREJAIL_ROOT_JSON" \
    --firejail-note "$FIREJAIL_NOTE" \
    --rss "netns-exec=$RSS_NX" --rss "C reference=$RSS_REF" --rss "sudo recipe=$RSS_SUDO" \
    --rss "/bin/true=$RSS_TRUE" ${RSS_FJ:+--rss "firejail=$RSS_FJ"} \
    --binary "netns-exec=$NX" --binary "C reference=$REF" \
    --machine "$MACHINE" --tools "$TOOLS" --runs "$RUNS" --warmup "$WARMUP" \
    --doc "$DOC"
status=$?
exit $status

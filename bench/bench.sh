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
#   - firejail: installed with apt-get if missing (purged afterwards); its
#     /etc/firejail/firejail.config, if it says restricted-network yes, is
#     copied aside, changed to no for the run and put back with cp -a
#
# Knobs: BENCH_RUNS (default 1000), BENCH_WARMUP (default 50), BENCH_ROUNDS
#        (interleaved cross-check, default 300),
#        NETNS_EXEC_BIN (default .build/release/netns-exec, the real release
#        build, which reads /etc/netns-exec.conf).
set -u
set -o pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOC=$REPO_ROOT/docs/BENCHMARKS.md
RAW_DIR=$REPO_ROOT/bench/out
mkdir -p "$RAW_DIR"
# shellcheck source=setup.sh
. "$REPO_ROOT/bench/setup.sh"

# --- firejail --netns, for comparison ----------------------------------------
# Installed for the run if it is missing (Debian), and purged again; Debian's
# /etc/firejail/firejail.config says `restricted-network yes`, which keeps
# --netns from everyone but root, so that one line is set to `no` for the
# run and the file is put back byte for byte (cp -a) at exit, as the policy
# file is. firejail must then pass the same jail check as the others.
FIREJAIL_NOTE=""
FIREJAIL=(firejail --quiet --noprofile "--netns=$NS" /bin/true)
FJ_CONF=/etc/firejail/firejail.config
if ! command -v firejail >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "== installing firejail for the run (purged afterwards)"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends firejail >/dev/null 2>&1; then
        on_exit "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq firejail firejail-profiles >/dev/null 2>&1"
    fi
fi
if ! command -v firejail >/dev/null 2>&1; then
    FIREJAIL_NOTE="firejail is not installed and could not be installed"
else
    if [ -f "$FJ_CONF" ] && grep -Eq '^[[:space:]]*restricted-network[[:space:]]+yes' "$FJ_CONF"; then
        cp -a "$FJ_CONF" "$SCRATCH/firejail.config.saved" || die "cannot back up $FJ_CONF"
        on_exit "cp -a '$SCRATCH/firejail.config.saved' '$FJ_CONF'"
        sed -i 's/^\([[:space:]]*restricted-network[[:space:]]\{1,\}\)yes/\1no/' "$FJ_CONF"
        echo "  note firejail: restricted-network set to no in $FJ_CONF for this run (restored at exit)"
    fi
    # A comparison tool that cannot run, or does not jail, is a row with
    # its reason; the run goes on with the others (verify_soft).
    if fj_err=$(user_run "${FIREJAIL[@]}" 2>&1); then
        fj_err=$(verify_soft firejail firejail --quiet --noprofile "--netns=$NS") ||
            FIREJAIL_NOTE="does not jail here: $fj_err"
    else
        FIREJAIL_NOTE="not runnable as an unprivileged user here: $(printf '%s' "$fj_err" | head -n 1)"
    fi
fi
[ -n "$FIREJAIL_NOTE" ] && echo "  note firejail: $FIREJAIL_NOTE"

# --- timing: one hyperfine run per launcher, as the user, no shell ---------
# One run per row, not one run over all of them: hyperfine stops at the
# first command that exits non-zero, and a comparison tool failing under
# load (firejail did, after passing its own check) must cost its own row
# only. A row that fails is shown with the last line the command printed
# when run once more (bench_reason), and the run goes on.
rows=("netns-exec" "$NX $NS /bin/true"
      "C reference" "$REF $NS /bin/true"
      "C reference, libseccomp at run time" "$REF_RT $NS /bin/true"
      "sudo recipe" "sudo -n $WRAP /bin/true")
[ -z "$FIREJAIL_NOTE" ] && rows+=("firejail" "${FIREJAIL[*]}")
rows+=("/bin/true" "/bin/true")
# The machine is shared (builds, tests, a qemu guest): note how busy it was.
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
echo "== timing ($RUNS runs each after $WARMUP warm-up runs, as $BENCH_USER; load average $LOAD_BEFORE)"
RESULTS_ARGS=() FAILED_ARGS=()
for ((i = 0; i < ${#rows[@]}; i += 2)); do
    name=${rows[i]} cmd=${rows[i + 1]}
    json=$SCRATCH/out/row-$((i / 2)).json
    if user_run hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$json" -n "$name" "$cmd"; then
        RESULTS_ARGS+=(--results "$json")
    else
        # shellcheck disable=SC2086  # the row's command, split as hyperfine -N splits it
        reason=$(bench_reason "$AS_USER" "$BENCH_USER" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ LANG=C.UTF-8 $cmd)
        echo "  FAIL $name: $reason (the run goes on)"
        FAILED_ARGS+=(--failed "$name=hyperfine stopped: $reason")
    fi
done

FIREJAIL_ROOT_JSON=""

# --- cross-check: the same launches interleaved round by round, with
# the CPU time the kernel charged to each (bench/launchtime.c). hyperfine
# runs one command's batch after the other, so load from other work on the
# machine can fall on one batch only; this shows whether it did.
echo "== interleaved cross-check (${BENCH_ROUNDS:-300} rounds)"
user_run "$LAUNCHTIME" "${BENCH_ROUNDS:-300}" "/bin/true" "/bin/true" \
    "C-reference" "$REF $NS /bin/true" "netns-exec" "$NX $NS /bin/true" \
    "sudo-recipe" "$(command -v sudo) -n $WRAP /bin/true" \
    "shared-C-reference" "$REF $NS_SHARED /bin/true" "shared-C-no-check" "$REF_NOHO $NS_SHARED /bin/true" \
    "shared-netns-exec" "$NX $NS_SHARED /bin/true" \
    | tee "$SCRATCH/out/interleaved.txt" || die "launchtime failed"

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
RSS_REF_RT=$(peak_rss "$REF_RT" "$NS" /bin/true)
RSS_SUDO=$(peak_rss sudo -n "$WRAP" /bin/true)
RSS_TRUE=$(peak_rss /bin/true)
RSS_FJ=""
[ -z "$FIREJAIL_NOTE" ] && RSS_FJ=$(peak_rss "${FIREJAIL[@]}")

# --- machine -----------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MACHINE="$CPU, $(nproc) cores; Linux $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
MACHINE="$MACHINE; glibc $(ldd --version | head -n 1 | awk '{print $NF}')"
MACHINE="$MACHINE; load average $LOAD_BEFORE at the start of the timing, $(cut -d' ' -f1 /proc/loadavg) at the end (1-minute, $(nproc) cores)"
SWIFT_V=$(swift --version 2>/dev/null | head -n 1 | sed 's/ (.*//')
GCC_V=$(gcc -dumpfullversion)
TOOLS="${SWIFT_V:-swift ?}; gcc $GCC_V; $(hyperfine --version)"


# --- sections: the other rows of the same run (bench/sections/README.md) ----
# Each section runs as a child under the suite lock this run holds, bounded
# by BENCH_SECTION_LIMIT seconds; one that fails or overruns is a row with
# its reason and the next one runs. BENCH_SECTIONS picks some by name.
export BENCH_ROWS=$SCRATCH/out/rows.tsv REPO_ROOT
: >"$BENCH_ROWS"
for section in "$REPO_ROOT"/bench/sections/*.sh; do
    [ -e "$section" ] || continue
    sname=$(basename "${section%.sh}")
    case " ${BENCH_SECTIONS:-$sname} " in *" $sname "*) ;; *) continue ;; esac
    echo "== section $sname (log: bench/out/$sname.log)"
    before=$(wc -l <"$BENCH_ROWS")
    BENCH_SECTION=$sname timeout -k 10 "${BENCH_SECTION_LIMIT:-600}" bash "$section" \
        >"$RAW_DIR/$sname.log" 2>&1 </dev/null
    rc=$?
    grep -E '^  (row|FAIL) ' "$RAW_DIR/$sname.log"
    if [ "$rc" -ne 0 ] && [ "$(wc -l <"$BENCH_ROWS")" -eq "$before" ]; then
        why=$(sed '/^[[:space:]]*$/d' "$RAW_DIR/$sname.log" | tail -n 1)
        [ "$rc" -eq 124 ] && why="stopped after ${BENCH_SECTION_LIMIT:-600} s; last line: $why"
        BENCH_SECTION=$sname bench_failed "the whole section" "exit $rc: ${why:-printed nothing}"
    fi
done

python3 "$REPO_ROOT/bench/report.py" \
    "${RESULTS_ARGS[@]}" "${FAILED_ARGS[@]}" --rows "$BENCH_ROWS" \
    --interleaved "$SCRATCH/out/interleaved.txt" \
    --firejail-root "$FIREJAIL_ROOT_JSON" \
    --firejail-note "$FIREJAIL_NOTE" \
    --rss "netns-exec=$RSS_NX" --rss "C reference=$RSS_REF" \
    --rss "C reference, libseccomp at run time=$RSS_REF_RT" --rss "sudo recipe=$RSS_SUDO" \
    --rss "/bin/true=$RSS_TRUE" ${RSS_FJ:+--rss "firejail=$RSS_FJ"} \
    --binary "netns-exec=$NX" --binary "C reference=$REF" \
    --binary "C reference, libseccomp at run time=$REF_RT" \
    --machine "$MACHINE" --tools "$TOOLS" --runs "$RUNS" --warmup "$WARMUP" \
    --doc "$DOC"
status=$?
exit $status

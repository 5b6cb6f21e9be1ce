#!/bin/bash
# bench/compare.sh NAME=BINARY...: times several builds of netns-exec against
# the C reference, as the benchmark user, in the same set-up as `make bench`
# (bench/setup.sh). Used to measure what one build change buys; it writes
# nothing into docs/. Run as root.
#
# It uses bench/launchtime.c, which interleaves the commands round by round
# and reports the CPU time charged to each launch as well as wall time: on a
# machine busy with other work, hyperfine's one-batch-after-another wall
# times drift with the load, the interleaved CPU time much less.
#   BENCH_ROUNDS (default 400); HYPERFINE=1 adds a hyperfine run.
set -u
set -o pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-400}
# shellcheck source=setup.sh
. "$REPO_ROOT/bench/setup.sh"

lt_args=("/bin/true" "/bin/true" "C-reference" "$REF $NS /bin/true")
hf_args=(-n "C reference" "$REF $NS /bin/true")
for arg in "$@"; do
    name=${arg%%=*} src=${arg#*=}
    [ -x "$src" ] || die "$src is not an executable"
    bin=$(install_capable "$src" "v-$name") || die "cannot install $src"
    verify "$name" "$bin" "$NS"
    lt_args+=("$name" "$bin $NS /bin/true")
    hf_args+=(-n "$name" "$bin $NS /bin/true")
done
echo "== $ROUNDS interleaved rounds"
user_run "$LAUNCHTIME" "$ROUNDS" "${lt_args[@]}" || die "launchtime failed"
if [ "${HYPERFINE:-0}" = 1 ]; then
    user_run hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" "${hf_args[@]}" | grep -E "Benchmark|Time"
fi

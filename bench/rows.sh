# Rows of `make bench` beyond the launch table: what a section file in
# bench/sections/ calls to report a measurement, a comparison or a failure.
# Source it from a section (bench/sections/README.md says how to add one).
#
# A row is a line in $BENCH_ROWS, which bench/bench.sh gives every section
# and bench/report.py turns into the "Other measurements" table of
# docs/BENCHMARKS.md, each comparison side by side with its ratio. Run
# alone (no BENCH_ROWS), a section prints its rows and nothing is written.
#
#   bench_row LABEL VALUE UNIT [DETAIL]   one measured value
#   bench_compare LABEL OTHER-LABEL       put two rows of this section side
#                                         by side: LABEL / OTHER, LABEL - OTHER
#   bench_failed LABEL REASON             a row that could not be measured,
#                                         with its one-line reason
#   bench_time LABEL [HYPERFINE-OPTION...] -- COMMAND
#                                         hyperfine on one command (through a
#                                         shell; -N among the options for none):
#                                         its mean in ms as a row, or, when the
#                                         command fails, bench_failed with the
#                                         last line it printed
#
# Fields are tab-separated; a tab or newline in a value becomes a space.
# shellcheck shell=bash
BENCH_SECTION=${BENCH_SECTION:-$(basename "${0%.sh}")}

_bench_field() { local v=${1//$'\t'/ }; printf '%s' "${v//$'\n'/ }"; }

_bench_emit() {
    local line="" f
    for f; do line+="$(_bench_field "$f")"$'\t'; done
    line=${line%$'\t'}
    if [ -n "${BENCH_ROWS:-}" ]; then printf '%s\n' "$line" >>"$BENCH_ROWS"; fi
    printf '  row  %s\n' "${line//$'\t'/ | }"
}

bench_row() { _bench_emit row "$BENCH_SECTION" "$1" "$2" "$3" "${4:-}"; }
bench_compare() { _bench_emit compare "$BENCH_SECTION" "$1" "$2"; }
bench_failed() { _bench_emit failed "$BENCH_SECTION" "$1" "$2"; }

# bench_reason COMMAND-STRING...: the last non-empty line COMMAND prints
# (stdout and stderr) when run once more, with its exit status: the one
# line that says why a timed command failed. Bounded to 60 s.
bench_reason() {
    local out rc
    out=$(timeout 60 "$@" 2>&1 </dev/null)
    rc=$?
    out=$(printf '%s\n' "$out" | sed '/^[[:space:]]*$/d' | tail -n 1)
    printf 'exit %s: %s' "$rc" "${out:-printed nothing}"
}

bench_time() {
    local label=$1 opts=() cmd json mean
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    cmd=$*
    json=$(mktemp /var/tmp/nxe-bench-row.XXXXXX) || { bench_failed "$label" "no scratch file"; return 1; }
    if hyperfine --style basic "${opts[@]}" --export-json "$json" -n "$label" "$cmd" >/dev/null 2>&1 &&
        mean=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f %d" % (r["mean"] * 1e3, (r["stddev"] or 0) * 1e3, r["median"] * 1e3, len(r["times"])))' "$json"); then
        rm -f "$json"
        set -- $mean
        bench_row "$label" "$1" ms "± $2, median $3, $4 runs"
        return 0
    fi
    rm -f "$json"
    bench_failed "$label" "$(bench_reason bash -c "$cmd")"
    return 1
}

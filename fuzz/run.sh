#!/bin/bash
# make fuzz: builds the libFuzzer targets and runs each for a bounded time.
#
#   FUZZ_SECONDS=60      time per target
#   FUZZ_TARGETS="..."   a subset of: policy invocation jailconf wireguard natpmp
#
# policy and invocation compile the NetnsPolicy sources straight into the
# fuzz binary. jailconf and wireguard need NetnsPolicy and NetnsHost as
# modules (JailKit imports them), so they are built first as instrumented
# static libraries.
# Seeds are committed under fuzz/corpus/TARGET and only read; new inputs go
# to fuzz/out/corpus/TARGET, crashes and hangs to fuzz/out/artifacts/TARGET.
# Exit status: 0 when no target found anything, 1 otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-policy invocation jailconf wireguard natpmp}
OUT=fuzz/out
SWIFTC=${SWIFTC:-swiftc}
# NetnsPolicy imports the shared limits (Sources/Shared/NetnsLimits, a C header).
FLAGS=(-sanitize=fuzzer -parse-as-library -O -g -I Sources/Shared/NetnsLimits)
mkdir -p "$OUT/module"

build() {
    local target=$1
    case $target in
        policy|invocation)
            "$SWIFTC" "${FLAGS[@]}" -module-name Fuzz"$target" \
                Sources/Shared/NetnsPolicy/*.swift "fuzz/targets/$target.swift" -o "$OUT/$target" ;;
        jailconf|wireguard|natpmp)
            for module in NetnsPolicy NetnsHost; do
                [ -f "$OUT/module/lib$module.a" ] && continue
                "$SWIFTC" "${FLAGS[@]}" -module-name "$module" -emit-library -static \
                    -emit-module -emit-module-path "$OUT/module/$module.swiftmodule" \
                    Sources/Shared/"$module"/*.swift -o "$OUT/module/lib$module.a" || return 1
            done
            "$SWIFTC" "${FLAGS[@]}" -module-name Fuzz"$target" -I "$OUT/module" -L "$OUT/module" -lNetnsPolicy -lNetnsHost \
                Sources/Admin/JailKit/*/*.swift "fuzz/targets/$target.swift" -o "$OUT/$target" ;;
        *) echo "fuzz: unknown target $target" >&2; return 1 ;;
    esac
}

status=0
summary=""
for target in $TARGETS; do
    echo "== fuzz $target: building"
    if ! build "$target"; then
        summary+="$target: BUILD FAILED"$'\n'; status=1; continue
    fi
    mkdir -p "$OUT/corpus/$target" "$OUT/artifacts/$target"
    dict=()
    [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
    echo "== fuzz $target: running ${SECONDS_EACH}s"
    # The Swift crash backtracer only slows crash reports down here.
    SWIFT_BACKTRACE=enable=no "$OUT/$target" "${dict[@]}" \
        -max_total_time="$SECONDS_EACH" -timeout=5 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$target/" \
        "$OUT/corpus/$target" "fuzz/corpus/$target" >"$OUT/$target.log" 2>&1
    rc=$?
    last=$(grep -E '^#[0-9]+' "$OUT/$target.log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' <<<"$last")
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$target.log")
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$target.log")
    found=$(ls "$OUT/artifacts/$target" 2>/dev/null | wc -l)
    line="$target: ${runs:-?} runs, ${execs:-?} exec/s, cov: ${cov:-?} ft: ${ft:-?}, artifacts: $found"
    if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
        line+=" FOUND SOMETHING (see $OUT/$target.log)"; status=1
    fi
    summary+="$line"$'\n'
done
echo "== fuzz summary"
printf '%s' "$summary"
exit $status

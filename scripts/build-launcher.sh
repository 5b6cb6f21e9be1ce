#!/bin/bash
# scripts/build-launcher.sh OUTDIR [-DFLAG ...]
#
# Builds the privileged launcher, OUTDIR/netns-exec, as Embedded Swift.
#
# Why not `swift build`: Embedded Swift compiles the parts of the standard
# library a program uses into the program itself, with no runtime library,
# no metadata reflection, no backtracer and no code that reads SWIFT_*
# environment variables. The launcher is then about 0.4 MB instead of 9 MB
# with the static stdlib, starts in the time of the C reference launcher
# and touches half the memory (docs/BENCHMARKS.md). SwiftPM cannot build
# one module twice, once embedded for netns-exec and once normally for
# netns-jail and the tests, so this script compiles the launcher's modules
# (NetnsPolicy, NetnsLauncher, netns-exec) and CLinux.c by hand.
#
# -DFLAG arguments become Swift compile-time conditions (the Makefile's
# test and pause builds). Environment: SWIFTC, SWIFT, CC, CFLAGS_EXTRA.
set -eu
set -o pipefail

[ $# -ge 1 ] || { echo "usage: scripts/build-launcher.sh OUTDIR [-DFLAG ...]" >&2; exit 2; }
out=$1
shift
for flag in "$@"; do
    case $flag in
        -D[A-Z_]*) ;;
        *) echo "build-launcher: not a -DFLAG: $flag" >&2; exit 2 ;;
    esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
swiftc=${SWIFTC:-swiftc}
cc=${CC:-cc}
target=$(uname -m)-unknown-linux-gnu

# Embedded Swift's standard library lives beside the toolchain's own.
swift_bin=$(command -v "$swiftc") || { echo "build-launcher: $swiftc not found; install a Swift toolchain (6.3.1 tested)" >&2; exit 1; }
swift_lib=$(cd "$(dirname "$swift_bin")/../lib/swift" && pwd)
embedded=$swift_lib/embedded/$target
[ -d "$embedded" ] || {
    echo "build-launcher: this Swift toolchain has no Embedded Swift library for $target ($embedded)" >&2
    exit 1
}

work=$out/launcher-build
mkdir -p "$out" "$work"

swiftflags=(-enable-experimental-feature Embedded -wmo -Osize -target "$target"
            -I "$work" -I "$repo/Sources/CLinux/include" -Xcc -D_GNU_SOURCE "$@")

# Hardening for a program that runs with a capability: stack protector,
# fortified libc calls, position independent (ASLR), read-only relocations
# bound at start (full RELRO), no executable stack.
cflags=(-O2 -fPIE -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wall -Wextra)
# shellcheck disable=SC2206  # CFLAGS_EXTRA is a flag list, split on purpose
[ -n "${CFLAGS_EXTRA:-}" ] && cflags+=($CFLAGS_EXTRA)
ldflags=(-pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack)

# The seccomp filter: netns-exec-filter (SwiftPM, its own scratch path so
# that the release flags of netns-jail's build are not disturbed) prints
# the BPF program libseccomp makes of JailFilter.swift; CLinux.c includes it.
swift=${SWIFT:-$(dirname "$swift_bin")/swift}
"$swift" build --package-path "$repo" --scratch-path "$repo/.build-filter" \
    --product netns-exec-filter >/dev/null || {
    echo "build-launcher: building netns-exec-filter failed (is libseccomp-dev installed?)" >&2
    exit 1
}
"$repo/.build-filter/debug/netns-exec-filter" >"$work/jail-filter.h.tmp"
mv -f "$work/jail-filter.h.tmp" "$work/jail-filter.h"

{
    "$swiftc" "${swiftflags[@]}" -parse-as-library -module-name NetnsPolicy \
        -emit-module -emit-module-path "$work/NetnsPolicy.swiftmodule" \
        -c -o "$work/NetnsPolicy.o" "$repo"/Sources/NetnsPolicy/*.swift
    "$swiftc" "${swiftflags[@]}" -parse-as-library -module-name NetnsLauncher \
        -emit-module -emit-module-path "$work/NetnsLauncher.swiftmodule" \
        -c -o "$work/NetnsLauncher.o" "$repo"/Sources/NetnsLauncher/*.swift
    "$swiftc" "${swiftflags[@]}" -module-name netns_exec \
        -c -o "$work/main.o" "$repo"/Sources/netns-exec/*.swift
    "$cc" "${cflags[@]}" -I "$repo/Sources/CLinux/include" -I "$work" -c -o "$work/CLinux.o" "$repo/Sources/CLinux/CLinux.c"
    # Older glibc (Slackware 15.0): the object and --wrap flags that bind
    # three libc symbols to versions glibc 2.25 has (scripts/glibc-compat.sh).
    compat_flags=$(CC="$cc" bash "$repo/scripts/glibc-compat.sh" launcher "$work")
    read -r -a compat <<<"$compat_flags"
    # The Unicode tables are needed only for non-ASCII string comparison;
    # the linker takes the members that are referenced.
    "$cc" "${ldflags[@]}" -o "$out/netns-exec.tmp" \
        "$work/main.o" "$work/NetnsLauncher.o" "$work/NetnsPolicy.o" "$work/CLinux.o" \
        "${compat[@]}" "$embedded/libswiftUnicodeDataTables.a"
}
mv -f "$out/netns-exec.tmp" "$out/netns-exec"
echo "built $out/netns-exec"

#!/bin/bash
# scripts/glibc-compat.sh launcher|jail OUTDIR
#
# Compiles scripts/glibc-compat/launcher.c or jail.c into OUTDIR and prints
# the link flags that make the binary run on older glibc than the build
# machine's (the floor: scripts/check-glibc-floor.sh). Called by
# scripts/build-launcher.sh (launcher: flags for the C compiler driver)
# and by the Makefile and the SlackBuild for netns-jail (jail: flags for
# `swift build`).
#
# The flags:
#   --wrap=SYMBOL for every __wrap_SYMBOL the object defines, so the list
#     cannot drift from the C file;
#   jail only: the bfd linker (gold applies --wrap to the wrapper's own
#     versioned call and makes it call itself), and libpthread.so.0 and
#     libdl.so.2 as needed libraries, where glibc 2.33 and older keep the
#     old pthread and dl functions.
#
# The version names in the C files are x86_64's; on other machines this
# prints nothing and the binary needs the build machine's glibc.
#
# Environment: CC (default cc). Exit status 0, or 1 when compiling fails.
set -eu
set -o pipefail

[ $# -eq 2 ] || { echo "usage: scripts/glibc-compat.sh launcher|jail OUTDIR" >&2; exit 2; }
kind=$1 out=$2
case $kind in launcher|jail) ;; *) echo "glibc-compat: launcher or jail, not $kind" >&2; exit 2 ;; esac

if [ "$(uname -m)" != x86_64 ]; then
    echo "glibc-compat: $(uname -m): no compat wrappers; the binaries need this machine's glibc" >&2
    exit 0
fi

here=$(cd "$(dirname "$0")/glibc-compat" && pwd)
mkdir -p "$out"
obj=$out/glibc-compat-$kind.o
# The launcher's hardening flags (scripts/build-launcher.sh); no
# _FORTIFY_SOURCE: the wrappers are the functions it would redirect to.
"${CC:-cc}" -O2 -fPIE -fstack-protector-strong -Wall -Wextra -Werror -D_GNU_SOURCE \
    -c -o "$obj.tmp" "$here/$kind.c"
mv -f "$obj.tmp" "$obj"

wraps=$(nm "$obj" | awk '$2 ~ /^[TDBR]$/ && $3 ~ /^__wrap_/ { sub(/^__wrap_/, "", $3); print $3 }' | LC_ALL=C sort)
[ -n "$wraps" ] || { echo "glibc-compat: $obj defines no __wrap_ symbol" >&2; exit 1; }

if [ "$kind" = launcher ]; then
    printf '%s' "$obj"
    for s in $wraps; do printf ' -Wl,--wrap=%s' "$s"; done
    echo
else
    printf -- '-Xswiftc -use-ld=bfd -Xlinker %s' "$obj"
    for s in $wraps; do printf ' -Xlinker --wrap=%s' "$s"; done
    printf ' -Xlinker --push-state -Xlinker --no-as-needed -Xlinker -l:libpthread.so.0 -Xlinker -l:libdl.so.2 -Xlinker --pop-state\n'
fi

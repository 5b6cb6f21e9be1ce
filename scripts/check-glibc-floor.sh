#!/bin/bash
# scripts/check-glibc-floor.sh [--floor X.Y] BINARY...
#
# The oldest glibc each BINARY can run on: the newest GLIBC_x.y symbol
# version in its dynamic symbol table (objdump -T), since the loader
# refuses a binary that names a version its libc does not define. Prints
# one line per binary,
#
#   BINARY: needs glibc >= 2.25
#
# and, for a binary above the floor, one line per symbol that is.
#
# --floor: the newest version allowed (default 2.31, the project's floor:
# Debian 11's glibc, on which Tests/Packaging runs the binaries; Slackware
# 15.0 has 2.33). See packaging/slackware/README.SLACKWARE.
#
# Exit status: 0 when every BINARY is at or below the floor, 1 when one is
# above it or cannot be read, 2 on a usage error.
set -u
set -o pipefail

floor=2.31
if [ "${1:-}" = --floor ]; then
    [ $# -ge 2 ] || { echo "usage: check-glibc-floor.sh [--floor X.Y] BINARY..." >&2; exit 2; }
    floor=$2
    shift 2
fi
[ $# -ge 1 ] || { echo "usage: check-glibc-floor.sh [--floor X.Y] BINARY..." >&2; exit 2; }
command -v objdump >/dev/null || { echo "check-glibc-floor: objdump not found (binutils)" >&2; exit 1; }

# version_gt A B: true when glibc version A is newer than B.
version_gt() {
    [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$1" ]
}

status=0
for bin in "$@"; do
    # "... DF *UND* ... (GLIBC_2.34) __libc_start_main" -> "2.34 __libc_start_main"
    if ! table=$(objdump -T "$bin" 2>/dev/null); then
        echo "$bin: cannot read its dynamic symbol table" >&2
        status=1
        continue
    fi
    versions=$(printf '%s\n' "$table" |
        sed -n 's/.*[( ]GLIBC_\([0-9][0-9.]*\)[) ]*[[:space:]]\{1,\}\([^[:space:]]*\)$/\1 \2/p' | sort -V -k1,1)
    newest=$(printf '%s\n' "$versions" | awk 'NF { v = $1 } END { print v }')
    if [ -z "$newest" ]; then
        echo "$bin: no GLIBC_ symbol versions (not a dynamically linked glibc program?)" >&2
        status=1
        continue
    fi
    echo "$bin: needs glibc >= $newest"
    if version_gt "$newest" "$floor"; then
        status=1
        printf '%s\n' "$versions" | while read -r v sym; do
            if version_gt "$v" "$floor"; then echo "  above the floor $floor: $sym@GLIBC_$v"; fi
        done
    fi
done
exit $status

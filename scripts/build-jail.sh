#!/bin/bash
# scripts/build-jail.sh SCRATCH WORKDIR
#
# Builds netns-jail, the root admin tool, for release: SCRATCH/release/netns-jail.
# The one recipe for it: `make build` (SCRATCH .build) and the SlackBuild
# (SCRATCH under its $TMP) both run this. WORKDIR holds the link helpers
# below (created if needed).
#
#   --static-swift-stdlib   no Swift runtime package is needed at run time;
#   --disable-local-rpath   no $ORIGIN RUNPATH in a binary that root runs;
#   libstdc++ linked statically, so no libstdc++.so is loaded and relocated
#     at every start: swiftc passes -lstdc++ itself (so -static-libstdc++
#     has no effect), and a -L directory that holds only a libstdc++.a
#     symlink makes that -lstdc++ resolve to the archive. libgcc_s stays
#     shared: the static unwinder needs _dl_find_object (glibc 2.35);
#   scripts/glibc-compat.sh the wrappers and flags (bfd linker) that let it
#     run on glibc 2.29 and later (packaging/slackware/README.SLACKWARE).
#
# It never installs anything (scripts/deps.sh does that, for `make deps`).
# Environment: SWIFT (default swift), CC (default cc).
set -eu
set -o pipefail

[ $# -eq 2 ] || { echo "usage: scripts/build-jail.sh SCRATCH WORKDIR" >&2; exit 2; }
scratch=$1 work=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}

# netns-jail links FoundationEssentials, not Foundation (SECURITY.md): one
# `import Foundation` would bring back CoreFoundation and ICU, 50 MB.
if grep -rln '^ *\(@_exported \)\?import Foundation *$' "$repo/Sources/Admin/JailKit" "$repo/Sources/Admin/netns-jail"; then
    echo "build-jail: import FoundationEssentials and Glibc there, not Foundation (SECURITY.md)" >&2
    exit 1
fi

mkdir -p "$work/static-cxx"
ln -sfn "$("$cc" -print-file-name=libstdc++.a)" "$work/static-cxx/libstdc++.a"
compat=$(CC="$cc" bash "$repo/scripts/glibc-compat.sh" jail "$work/glibc-compat")
# shellcheck disable=SC2086 # $compat is a list of flags without spaces in them
"${SWIFT:-swift}" build --package-path "$repo" --scratch-path "$scratch" \
    -c release --static-swift-stdlib --disable-local-rpath \
    -Xlinker -L"$work/static-cxx" $compat --product netns-jail

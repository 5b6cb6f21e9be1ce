#!/bin/bash
#
# make-package.sh (run by "make package"): turns the release build in
# .build/release into build/netns-exec-VERSION-ARCH-BUILDTAG.txz through
# netns-exec.SlackBuild, and prints the newest GLIBC symbol version the
# binaries need, which decides the Slackware releases they run on.
#
# Environment: BIN_DIR (default .build/release), OUTPUT (default build),
# BUILD (default 1), TAG (default _nx). Uses /sbin/makepkg when present,
# otherwise pack-txz.sh, which writes the same archive layout.
#
# Exit status: 0 when the package was written, 1 otherwise.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BIN_DIR=${BIN_DIR:-$repo/.build/release}
OUTPUT=${OUTPUT:-$repo/build}
VERSION=$(tr -d ' \n' < "$repo/VERSION")
BUILD=${BUILD:-1}
TAG=${TAG:-_nx}

for bin in netns-exec netns-jail; do
  if [ ! -x "$BIN_DIR/$bin" ]; then
    echo "make-package.sh: $BIN_DIR/$bin is missing; run make build first" >&2
    exit 1
  fi
done

# The dynamic symbol table names the versioned glibc symbols a binary needs;
# the newest one is the oldest glibc that can load it.
newest_glibc() {
  if command -v objdump >/dev/null 2>&1; then
    objdump -T "$1"
  else
    readelf --dyn-syms -W "$1"
  fi | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}

# "A B" -> true when version A <= version B (major.minor).
version_le() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n | head -n 1)" = "$1" ]
}

need=0.0
for bin in netns-exec netns-jail; do
  v=$(newest_glibc "$BIN_DIR/$bin")
  echo "make-package.sh: $bin needs glibc >= $v (newest GLIBC_ symbol version)"
  version_le "$v" "$need" || need=$v
done
if version_le "$need" 2.33; then
  echo "make-package.sh: glibc $need: the package runs on Slackware 15.0 (glibc 2.33) and -current"
else
  echo "make-package.sh: glibc $need: the package runs on Slackware -current, NOT on 15.0 (glibc 2.33); build there with the SlackBuild"
fi

MAKEPKG=/sbin/makepkg
[ -x "$MAKEPKG" ] || MAKEPKG=$here/pack-txz.sh

mkdir -p "$OUTPUT"
work=$(mktemp -d "$OUTPUT/.pkg-tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

ARCH=$(uname -m)
name=netns-exec-$VERSION-$ARCH-$BUILD$TAG.txz
rm -f "$OUTPUT/$name"
VERSION=$VERSION BUILD=$BUILD TAG=$TAG ARCH=$ARCH PKGTYPE=txz \
  SRCDIR=$repo PREBUILT=$BIN_DIR OUTPUT=$OUTPUT TMP=$work MAKEPKG=$MAKEPKG \
  bash "$here/netns-exec.SlackBuild" >"$work.log" 2>&1 || {
    cat "$work.log" >&2; rm -f "$work.log"
    echo "make-package.sh: the SlackBuild failed (log above)" >&2
    exit 1
  }
rm -f "$work.log"
[ -f "$OUTPUT/$name" ] || { echo "make-package.sh: $OUTPUT/$name was not written" >&2; exit 1; }
echo "make-package.sh: wrote $OUTPUT/$name ($(stat -c %s "$OUTPUT/$name") bytes)"

#!/bin/bash
#
# make-package.sh (run by "make package"): turns the release build in
# .build/release into build/netns-exec-VERSION-ARCH-BUILDTAG.txz through
# netns-exec.SlackBuild, after checking that neither binary needs a glibc
# newer than the floor (2.31; Slackware 15.0 has 2.33). Also writes
# build/sbo/, what a SlackBuilds.org submission needs: the two downloads
# netns-exec.info names (the source tarball, from git HEAD, and the
# prebuilt binaries) and netns-exec/, the SlackBuild directory with the
# version from VERSION written into the SlackBuild and the .info and the
# .info's MD5SUM_x86_64 computed from them, also packed as netns-exec.tar.gz.
#
# Environment: BIN_DIR (default .build/release), OUTPUT (default build),
# BUILD (default 1), TAG (default _nx), GLIBC_FLOOR (default 2.31), SBO
# (default 1; 0 skips build/sbo). Uses /sbin/makepkg when present,
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

# The glibc floor (scripts/check-glibc-floor.sh): the newest GLIBC_ symbol
# version each binary needs is the oldest glibc that can load it. Above
# the floor the package would not run on Slackware 15.0, so it is not made.
FLOOR=${GLIBC_FLOOR:-2.31}
floor_out=$(bash "$repo/scripts/check-glibc-floor.sh" --floor "$FLOOR" "$BIN_DIR/netns-exec" "$BIN_DIR/netns-jail") || {
  echo "$floor_out" | sed 's/^/make-package.sh: /' >&2
  echo "make-package.sh: a binary needs a glibc newer than the floor $FLOOR, so the package would not run on Slackware 15.0 (glibc 2.33); see packaging/slackware/README.SLACKWARE" >&2
  exit 1
}
echo "$floor_out" | sed "s,^$BIN_DIR/,make-package.sh: ,"
echo "make-package.sh: glibc floor $FLOOR: the package runs on Slackware 15.0 (glibc 2.33) and -current"

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

# --- the SlackBuilds.org submission ---------------------------------------------
[ "${SBO:-1}" = 1 ] || exit 0
if ! git -C "$repo" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  echo "make-package.sh: $repo is not a git checkout: no SlackBuilds.org files written"
  exit 0
fi
PRGNAM=netns-exec
sbo=$OUTPUT/sbo
src=$PRGNAM-$VERSION.tar.gz
bin=$PRGNAM-$VERSION-$ARCH-bin
rm -rf "$sbo"
mkdir -p "$sbo/$PRGNAM" "$work/$bin"
git -C "$repo" archive --format=tar.gz --prefix="$PRGNAM-$VERSION/" -o "$sbo/$src" HEAD
install -m 0755 "$BIN_DIR/netns-exec" "$BIN_DIR/netns-jail" "$work/$bin/"
strip --strip-unneeded "$work/$bin/netns-exec" "$work/$bin/netns-jail"
tar -C "$work" --owner=root:0 --group=root:0 --mtime="@$(git -C "$repo" log -1 --format=%ct)" \
  -cf - "$bin" | gzip -n -6 > "$sbo/$bin.tar.gz"
for f in README README.SLACKWARE slack-desc doinst.sh \
         netns-exec.conf.new netns-jail.conf.new rc.netns-jail; do
  install -m 0644 "$here/$f" "$sbo/$PRGNAM/$f"
done
# The SlackBuild and the .info hold @VERSION@ where the version goes: the
# VERSION file is the one place it is written.
sed "s/@VERSION@/$VERSION/g" "$here/$PRGNAM.SlackBuild" > "$sbo/$PRGNAM/$PRGNAM.SlackBuild"
chmod 0755 "$sbo/$PRGNAM/$PRGNAM.SlackBuild"
md5_src=$(md5sum < "$sbo/$src" | cut -d' ' -f1)
md5_bin=$(md5sum < "$sbo/$bin.tar.gz" | cut -d' ' -f1)
sed -e "s/@VERSION@/$VERSION/g" -e "s/@MD5SUM_SOURCE@/$md5_src/" -e "s/@MD5SUM_BINARIES@/$md5_bin/" \
  "$here/$PRGNAM.info" > "$sbo/$PRGNAM/$PRGNAM.info"
tar -C "$sbo" --owner=root:0 --group=root:0 -czf "$sbo/$PRGNAM.tar.gz" "$PRGNAM"
echo "make-package.sh: wrote $sbo/: $src (git HEAD), $bin.tar.gz, $PRGNAM/ and $PRGNAM.tar.gz (the submission)"

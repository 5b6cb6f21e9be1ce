#!/bin/bash
#
# pack-txz.sh: the archive step of Slackware's makepkg, for machines that
# have no /sbin/makepkg (make package on Debian, CI). It accepts the call
# the SlackBuild makes,
#
#   pack-txz.sh --xattrs -l y -c n OUTPUT/NAME-VERSION-ARCH-BUILDTAG.txz
#
# run from inside the package tree, and writes what installpkg expects:
#   - members "./" first, then "install/", "install/slack-desc",
#     "install/doinst.sh", the rest of install/, then everything else in
#     C (byte) order, all without a leading "./";
#   - every member owned by root:root (uid 0, gid 0), whoever runs this;
#   - directories listed explicitly (tar --no-recursion) so their modes are
#     recorded;
#   - with --xattrs, as makepkg --xattrs (pkgtools 15.0 and later), the
#     extended attributes of every member, so netns-exec's file capability
#     (security.capability) travels in the archive and installpkg, which
#     unpacks with tar --xattrs --xattrs-include='*', restores it; without
#     --xattrs, none. ACLs are not stored (the SlackBuild does not ask for
#     makepkg --acls);
#   - one xz stream (compressed on every CPU, as makepkg does).
#
# Exit status: 0 on success, 1 on a usage error or a failed step.

set -euo pipefail

usage() { echo "pack-txz.sh: usage: pack-txz.sh [--xattrs] [-l y|n] [-c y|n] PACKAGE.txz" >&2; exit 1; }

xattrs=(--no-xattrs)
while [ $# -gt 1 ]; do
  case "$1" in
    -l|--linkadd|-c|--chown) shift 2 ;;
    --xattrs) xattrs=(--xattrs --xattrs-include='*'); shift ;;
    *) usage ;;
  esac
done
[ $# -eq 1 ] || usage
target=$1
case "$target" in
  *.txz) ;;
  *) echo "pack-txz.sh: only .txz is supported, not $target" >&2; exit 1 ;;
esac
[ -f install/slack-desc ] || { echo "pack-txz.sh: run it from the package tree: install/slack-desc is missing" >&2; exit 1; }
if find . -type l | grep -q .; then
  # makepkg -l y would turn symlinks into doinst.sh lines; this package has none.
  echo "pack-txz.sh: the tree holds symlinks, which this stand-in does not handle; use makepkg" >&2
  exit 1
fi

member_list() {
  echo "./"
  echo "install/"
  [ -e install/slack-desc ] && echo "install/slack-desc"
  [ -e install/doinst.sh ] && echo "install/doinst.sh"
  find ./install -mindepth 1 | LC_ALL=C sort | sed 's,^\./,,' |
    grep -vx -e install/slack-desc -e install/doinst.sh || true
  find . -mindepth 1 -path ./install -prune -o -print | LC_ALL=C sort | sed 's,^\./,,' |
    grep -vx install || true
}

tmp="$target.partial"
member_list | tar --no-recursion --no-acls "${xattrs[@]}" --no-selinux \
  --owner=root:0 --group=root:0 -T - -cf - | xz --threads=0 -c > "$tmp"
mv "$tmp" "$target"
echo "Slackware package $target created."

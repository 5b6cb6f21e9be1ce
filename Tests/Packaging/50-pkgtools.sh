#!/bin/bash
# The package through installpkg, upgradepkg and removepkg as Slackware's
# pkgtools run them (Tests/Packaging/lib/pkgtools.bash), and the
# SlackBuilds.org files.
#
#  - the capability is in the archive (makepkg --xattrs) and survives
#    installpkg even when doinst.sh's setcap cannot run; it survives an
#    upgrade and a reinstall;
#  - an edited configuration file survives an upgrade, the new one waits
#    as .new;
#  - removepkg leaves exactly the files README.SLACKWARE says it leaves;
#  - the SlackBuild, run as SlackBuilds.org users run it (in its directory,
#    next to the two downloads netns-exec.info names), makes the package
#    from the prebuilt binaries; the .info names what make-package.sh
#    wrote, with the right MD5 sums; VERSION is the repository's.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/lib/pkgtools.bash"
suite_begin "packaging: installpkg, upgradepkg, removepkg and the SlackBuilds.org files"
require_root
require_cmd setcap getcap xz tar md5sum git unshare mount strip

BIN_DIR=${BIN_DIR:-$REPO_ROOT/.build/release}
if [ ! -x "$BIN_DIR/netns-exec" ] || [ ! -x "$BIN_DIR/netns-jail" ]; then
    skip "release binaries missing in $BIN_DIR (make build)"; suite_end
fi
VERSION=$(tr -d ' \n' <"$REPO_ROOT/VERSION")
ARCH=$(uname -m)
SLACK=$REPO_ROOT/packaging/slackware
make_scratch_dir S

# --- the two packages ------------------------------------------------------------
# A: make package (build 1, tag _nx). B: the SlackBuilds.org route, the
# SlackBuild in the submission directory with the downloads beside it
# (build 2, tag _SBo), as an upgrade from A.
out=$(BIN_DIR=$BIN_DIR OUTPUT=$S/out bash "$SLACK/make-package.sh" 2>&1)
check "make-package.sh succeeds" test $? -eq 0
PKG_A=$S/out/netns-exec-$VERSION-$ARCH-1_nx.txz
SBO=$S/out/sbo
check "it writes the package" test -f "$PKG_A"
check "it writes the SlackBuilds.org directory" test -f "$SBO/netns-exec/netns-exec.info"
[ -f "$PKG_A" ] && [ -f "$SBO/netns-exec/netns-exec.info" ] || { echo "$out"; suite_end; }

info=$SBO/netns-exec/netns-exec.info
# shellcheck disable=SC1090  # the .info is shell assignments, by SlackBuilds.org's rules
info_vars=$(env -i bash -c '. "$1" && for v in PRGNAM VERSION HOMEPAGE DOWNLOAD MD5SUM DOWNLOAD_x86_64 MD5SUM_x86_64 REQUIRES MAINTAINER EMAIL; do printf "%s=%s\n" "$v" "$(eval echo "\${$v-UNSET}")"; done' _ "$info")
field() { sed -n "s/^$1=//p" <<<"$info_vars"; }
for v in PRGNAM VERSION HOMEPAGE DOWNLOAD MD5SUM DOWNLOAD_x86_64 MD5SUM_x86_64 REQUIRES MAINTAINER EMAIL; do
    check ".info sets $v" test "$(field "$v")" != UNSET
done
check_eq ".info: PRGNAM" netns-exec "$(field PRGNAM)"
check_eq ".info: VERSION is the repository's VERSION" "$VERSION" "$(field VERSION)"
check_eq "the committed .info takes VERSION from the VERSION file" 'VERSION="@VERSION@"' "$(grep '^VERSION=' "$SLACK/netns-exec.info")"
check_eq "the submitted SlackBuild's default VERSION is the repository's" "VERSION=\${VERSION:-$VERSION}" \
    "$(grep '^VERSION=' "$SBO/netns-exec/netns-exec.SlackBuild")"
check_eq ".info: no 32-bit download (x86_64 only)" UNSUPPORTED "$(field DOWNLOAD)"
check_eq ".info: no placeholder is left" "" "$(grep '@' "$info" | grep -v '^EMAIL=' || true)"
urls=$(field DOWNLOAD_x86_64)
sums=$(field MD5SUM_x86_64)
check_eq ".info: one MD5 sum per download" "$(wc -w <<<"$urls")" "$(wc -w <<<"$sums")"
i=0
for url in $urls; do
    i=$((i + 1))
    file=$SBO/$(basename "$url")
    check "the download $(basename "$url") was written" test -f "$file"
    check_eq ".info: MD5 of $(basename "$url")" "$(md5sum <"$file" | cut -d' ' -f1)" "$(cut -d' ' -f"$i" <<<"$(echo $sums)")"
    case $url in */v$VERSION/*) pass ".info: $(basename "$url") is version $VERSION's" ;;
                 *) fail ".info: $url is not under v$VERSION" ;; esac
done
for f in README slack-desc netns-exec.SlackBuild netns-exec.info doinst.sh; do
    check "the submission has $f" test -f "$SBO/netns-exec/$f"
done
in_tar() { tar -tf "$1" "$2" >/dev/null 2>&1; }
check "and is packed as netns-exec.tar.gz" in_tar "$SBO/netns-exec.tar.gz" netns-exec/netns-exec.info
check_contains "the SlackBuild has the SlackBuilds.org license header" \
    "Redistribution and use of this script, with or without modification, is" "$(head -n 25 "$SLACK/netns-exec.SlackBuild")"
check_contains "the SlackBuild says where its toolchain comes from" "SlackBuilds.org has no Swift toolchain" \
    "$(sed -n 's/^# *//p' "$SLACK/netns-exec.SlackBuild" | tr '\n' ' ')"
check_contains "the project has an MIT LICENSE" "Copyright (c) 2026 the netns-exec authors" "$(cat "$REPO_ROOT/LICENSE")"
check_eq "the README is wrapped at 72 columns" "" "$(awk 'length($0) > 72' "$SBO/netns-exec/README")"

# The SlackBuilds.org route: downloads beside the SlackBuild, nothing else.
for url in $urls; do cp "$SBO/$(basename "$url")" "$SBO/netns-exec/"; done
out=$(cd "$SBO/netns-exec" && env -u PREBUILT -u SRCDIR BUILD=2 TAG=_SBo OUTPUT=$S/out TMP=$S/sbo-tmp \
    MAKEPKG=$SLACK/pack-txz.sh bash ./netns-exec.SlackBuild 2>&1)
check "the SlackBuild makes the package from the downloads" test $? -eq 0
PKG_B=$S/out/netns-exec-$VERSION-$ARCH-2_SBo.txz
check "as netns-exec-$VERSION-$ARCH-2_SBo.txz" test -f "$PKG_B"
[ -f "$PKG_B" ] || { printf '%s\n' "$out" | tail -n 20; suite_end; }
check_contains "it used the prebuilt binaries" "netns-exec-$VERSION-$ARCH-bin/netns-jail" "$out"
check "the package documents the LICENSE" in_tar "$PKG_B" "usr/doc/netns-exec-$VERSION/LICENSE"

# --- the capability in the archive ---------------------------------------------------
for pkg in "$PKG_A" "$PKG_B"; do
    x=$S/x-$(basename "$pkg" .txz)
    mkdir -m 0755 "$x"
    tar -C "$x" --xattrs --xattrs-include='*' -xpJf "$pkg"
    check_eq "$(basename "$pkg"): the archive holds cap_sys_admin=ep on usr/bin/netns-exec, nothing else" \
        "$x/usr/bin/netns-exec cap_sys_admin=ep" "$(getcap -r "$x" 2>/dev/null)"
done

# --- installpkg ----------------------------------------------------------------------
ROOT=$S/root
mkdir -m 0755 "$ROOT"
launcher_cap() { getcap "$ROOT/usr/bin/netns-exec" | awk '{ print $2 }'; }
# doinst.sh's setcap made to fail (every path to it is /bin/false in a
# private mount namespace): the capability can only come from the archive.
setcap_path=$(command -v setcap)
out=$(unshare --mount --propagation private -- bash -c '
    for p in "$1" /sbin/setcap /usr/sbin/setcap; do
        [ -e "$p" ] && mount --bind /bin/false "$p"
    done
    . "$2"; pkg_install "$3" "$4"' _ "$setcap_path" "$REPO_ROOT/Tests/Packaging/lib/pkgtools.bash" "$ROOT" "$PKG_A")
check_contains "control: doinst.sh's setcap could not run" "WARNING: netns-exec: setcap failed" "$out"
check_eq "installpkg: the capability comes from the archive" "cap_sys_admin=ep" "$(launcher_cap)"
check_eq "installpkg: netns-exec is 755 root:root" "755 0:0" "$(stat -c '%a %u:%g' "$ROOT/usr/bin/netns-exec")"
check "installpkg: the package database lists it" test -f "$ROOT/var/log/packages/netns-exec-$VERSION-$ARCH-1_nx"
check "installpkg: install/ was unpacked under a private name and removed" \
    test -z "$(find "$ROOT" -maxdepth 1 -name 'install*')"
check "installpkg: doinst.sh is kept in var/log/scripts" test -f "$ROOT/var/log/scripts/netns-exec-$VERSION-$ARCH-1_nx"
for f in etc/netns-exec.conf etc/netns-jail.conf etc/rc.d/rc.netns-jail; do
    check "installpkg: $f is in place, no .new" test -f "$ROOT/$f" -a ! -e "$ROOT/$f.new"
done
check_contains "the installed launcher runs" "netns-exec $VERSION" "$("$ROOT/usr/bin/netns-exec" --version 2>&1)"

# --- upgradepkg ----------------------------------------------------------------------
echo "vpn_jail  @pkgtools-edited" >>"$ROOT/etc/netns-exec.conf"
edited=$(md5sum <"$ROOT/etc/netns-exec.conf")
out=$(pkg_upgrade "$ROOT" "$PKG_B")
check_eq "upgradepkg: doinst.sh prints nothing" "" "$out"
check_eq "upgradepkg: the capability survives" "cap_sys_admin=ep" "$(launcher_cap)"
check_eq "upgradepkg: the edited netns-exec.conf is kept" "$edited" "$(md5sum <"$ROOT/etc/netns-exec.conf")"
check "upgradepkg: the new one waits as netns-exec.conf.new" test -f "$ROOT/etc/netns-exec.conf.new"
check "upgradepkg: the unchanged netns-jail.conf gets no .new" test ! -e "$ROOT/etc/netns-jail.conf.new"
check_eq "upgradepkg: only the new package is installed" "netns-exec-$VERSION-$ARCH-2_SBo" \
    "$(ls "$ROOT/var/log/packages")"
check "upgradepkg: the old one is in removed_packages" \
    test -n "$(find "$ROOT/var/log/removed_packages" -name "netns-exec-$VERSION-$ARCH-1_nx-upgraded-*")"
check "upgradepkg: the launcher is still there (both packages list it)" test -x "$ROOT/usr/bin/netns-exec"

# --- upgradepkg --reinstall ------------------------------------------------------------
rm -f "$ROOT/etc/netns-exec.conf.new"
out=$(pkg_upgrade "$ROOT" "$PKG_B")
check_eq "reinstall: the capability survives" "cap_sys_admin=ep" "$(launcher_cap)"
check_eq "reinstall: the edited netns-exec.conf is kept" "$edited" "$(md5sum <"$ROOT/etc/netns-exec.conf")"
check_eq "reinstall: still one package" "netns-exec-$VERSION-$ARCH-2_SBo" "$(ls "$ROOT/var/log/packages")"
check "reinstall: every file of the package is there" \
    test -z "$(tar -tJf "$PKG_B" | grep -v -e '/$' -e '^install' -e '\.new$' | while read -r f; do [ -e "$ROOT/$f" ] || echo "$f"; done)"

# --- removepkg ---------------------------------------------------------------------------
pkg_remove "$ROOT" "netns-exec-$VERSION-$ARCH-2_SBo"
left=$(cd "$ROOT" && find . -path ./var/log -prune -o ! -type d -print | sed 's,^\./,,' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
check_eq "removepkg leaves the three configuration files and nothing else" \
    "etc/netns-exec.conf etc/netns-jail.conf etc/rc.d/rc.netns-jail" "$left"
check "removepkg: the launcher and its capability are gone" test ! -e "$ROOT/usr/bin/netns-exec"
section=$(awk '/^Removing the package$/ { on = 1 } on && /^-+$/ && ++n == 2 { exit } on' "$SLACK/README.SLACKWARE")
check "README.SLACKWARE has a section on removing the package" test -n "$section"
for f in $left; do
    check_contains "README.SLACKWARE says removepkg leaves /$f" "/$f" "$section"
done

suite_end

#!/bin/bash
# The Slackware package: build it with make-package.sh, check the archive
# layout installpkg expects, install it into a scratch root the way
# installpkg does (Tests/Packaging/lib/pkgtools.bash: unpack with xattrs,
# then doinst.sh piped to bash from the root, or run by sh), and check
# files, modes, owners, the .new handling on a first install and on
# upgrades over edited files, the file capability, the optional group
# restriction and the slack-desc format. 50-pkgtools.sh follows
# upgradepkg and removepkg.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/lib/pkgtools.bash"
suite_begin "packaging: Slackware package"
require_root
require_cmd setcap getcap xz tar md5sum gzip setpriv

BIN_DIR=${BIN_DIR:-$REPO_ROOT/.build/release}
if [ ! -x "$BIN_DIR/netns-exec" ] || [ ! -x "$BIN_DIR/netns-jail" ]; then
    skip "release binaries missing in $BIN_DIR (make build)"; suite_end
fi
VERSION=$(tr -d ' \n' <"$REPO_ROOT/VERSION")
ARCH=$(uname -m)
PKGNAME=netns-exec-$VERSION-$ARCH-1_nx.txz

make_scratch_dir S
mkdir -m 0755 "$S/out"

# --- build --------------------------------------------------------------------
log=$(BIN_DIR=$BIN_DIR OUTPUT=$S/out SBO=0 bash "$REPO_ROOT/packaging/slackware/make-package.sh" 2>&1)
check "make-package.sh succeeds" test $? -eq 0
check_contains "it prints the newest GLIBC version netns-exec needs" "netns-exec: needs glibc >= 2." "$log"
check_contains "and which Slackware releases that means" "Slackware" "$log"
PKG=$S/out/$PKGNAME
check "the package is $PKGNAME" test -f "$PKG"
[ -f "$PKG" ] || { echo "$log"; suite_end; }
check "no temporary files are left in the output directory" test "$(ls -A "$S/out")" = "$PKGNAME"

# --- archive layout -----------------------------------------------------------
members=$(tar -tJf "$PKG")
check_eq "members start ./ install/ install/slack-desc install/doinst.sh" \
    "./ install/ install/slack-desc install/doinst.sh" "$(echo "$members" | head -n 4 | tr '\n' ' ' | sed 's/ $//')"
check_eq "no member but the first starts with ./" "" "$(echo "$members" | tail -n +2 | grep '^\./' || true)"
rest=$(echo "$members" | tail -n +5)
check_eq "the rest is in C order (as makepkg's sort)" "$(echo "$rest" | sed 's,/$,,' | LC_ALL=C sort)" "$(echo "$rest" | sed 's,/$,,')"
owners=$(tar -tvJf "$PKG" --numeric-owner | awk '{print $2}' | sort -u)
check_eq "every member is owned by 0/0" "0/0" "$owners"
names=$(tar -tvJf "$PKG" | awk '{print $2}' | sort -u)
check_eq "and named root/root" "root/root" "$names"
check "xz stream is intact" xz -t "$PKG"

expected="usr/bin/netns-exec usr/bin/netns-jail etc/netns-exec.conf.new etc/netns-jail.conf.new
etc/rc.d/rc.netns-jail.new usr/libexec/netns-jail/qbittorrent-port usr/doc/netns-exec-$VERSION/README.SLACKWARE
usr/doc/netns-exec-$VERSION/netns-exec.SlackBuild"
for doc in README.md SECURITY.md LICENSE; do
    [ -f "$REPO_ROOT/$doc" ] && expected="$expected usr/doc/netns-exec-$VERSION/$doc"
done
for page in "$REPO_ROOT"/man/*.[1-8]; do
    [ -f "$page" ] || continue
    expected="$expected usr/man/man${page##*.}/$(basename "$page").gz"
done
for f in $expected; do
    check "ships $f" grep -qx "$f" <<<"$members"
done
check "ships at least netns-exec(1) and netns-exec.conf(5)" \
    grep -qx -e "usr/man/man1/netns-exec.1.gz" <<<"$members"
check_eq "no symlinks (makepkg -l y would have to list them in doinst.sh)" "" \
    "$(tar -tvJf "$PKG" | grep '^l' || true)"

# --- slack-desc ---------------------------------------------------------------
desc=$(tar -xJOf "$PKG" install/slack-desc)
check_eq "slack-desc has exactly 11 netns-exec: lines" 11 "$(grep -c '^netns-exec:' <<<"$desc")"
check_eq "every non-comment line is the ruler or netns-exec:" "" \
    "$(grep -v -e '^#' -e '^$' -e '^netns-exec:' -e '^ *|-----handy-ruler-*|$' <<<"$desc" || true)"
ruler=$(grep 'handy-ruler' <<<"$desc")
check_eq "the ruler's first | sits over the ':' (column 11)" 11 "$(awk '{print index($0, "|")}' <<<"$ruler")"
width=${#ruler}
check_eq "the ruler ends at column 82" 82 "$width"
check_eq "no line is wider than the ruler" "" "$(awk -v w="$width" '/^netns-exec:/ && length($0) > w' <<<"$desc")"
check_eq "text lines have one space after the colon, blank ones none" "" \
    "$(grep '^netns-exec:' <<<"$desc" | grep -v -e '^netns-exec:$' -e '^netns-exec: [^ ]' || true)"
check_contains "the first line names the package" "netns-exec: netns-exec (" "$(grep -m1 '^netns-exec:' <<<"$desc")"

# --- first install ------------------------------------------------------------
ROOT=$S/root
mkdir -m 0755 "$ROOT" "$ROOT/etc"
# A password database of the target root's own, for the relay's user.
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\n' >"$ROOT/etc/group"
host_passwd=$(md5sum </etc/passwd)
install_pkg() {   # install_pkg sh|bash: installpkg, doinst.sh run by that shell
    pkg_install "$ROOT" "$PKG" "$1"
}
out=$(install_pkg sh)
check "doinst.sh (dash) runs cleanly" test $? -eq 0
check_eq "doinst.sh prints no warning on a normal install" "" "$out"
check_contains "doinst.sh creates the relay's system user in the target root" \
    "netns-relay:" "$(grep '^netns-relay:' "$ROOT/etc/passwd")"
check "... with a system uid and a group of its own" awk -F: '$1 == "netns-relay" { exit !($3 > 0 && $3 < 1000) }' "$ROOT/etc/passwd"
check_contains "... whose group exists" "netns-relay:" "$(grep '^netns-relay:' "$ROOT/etc/group")"
check_eq "... and not in the running system's /etc/passwd" "$host_passwd" "$(md5sum </etc/passwd)"

mode_owner() { stat -c '%a %u:%g' "$ROOT/$1"; }
check_eq "usr/bin/netns-exec is 755 root:root" "755 0:0" "$(mode_owner usr/bin/netns-exec)"
check_eq "usr/bin/netns-jail is 755 root:root" "755 0:0" "$(mode_owner usr/bin/netns-jail)"
check_eq "the qBittorrent port hook is 755 root:root" "755 0:0" "$(mode_owner usr/libexec/netns-jail/qbittorrent-port)"
check_contains "getcap shows cap_sys_admin=ep on the installed launcher" "cap_sys_admin=ep" "$(getcap "$ROOT/usr/bin/netns-exec")"
check_eq "and nothing else" "cap_sys_admin=ep" "$(getcap "$ROOT/usr/bin/netns-exec" | awk '{print $2}')"
check_eq "netns-jail gets no capability" "" "$(getcap "$ROOT/usr/bin/netns-jail")"
check_eq "no setuid or setgid bit anywhere" "" "$(find "$ROOT" -perm /6000)"
for f in etc/netns-exec.conf etc/netns-jail.conf; do
    check "first install: $f is in place" test -f "$ROOT/$f"
    check "first install: $f.new is gone" test ! -e "$ROOT/$f.new"
    check_eq "$f is 644 root:root" "644 0:0" "$(mode_owner "$f")"
done
check_eq "rc.netns-jail is installed off (644)" "644 0:0" "$(mode_owner etc/rc.d/rc.netns-jail)"
check "rc.netns-jail.new is gone" test ! -e "$ROOT/etc/rc.d/rc.netns-jail.new"
check_eq "the shipped netns-exec.conf allows nobody (no active line)" "" \
    "$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$ROOT/etc/netns-exec.conf" || true)"
check_eq "the shipped netns-jail.conf defines no jail" "" \
    "$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$ROOT/etc/netns-jail.conf" || true)"
check_eq "directories are 755 root:root" "" \
    "$(find "$ROOT/usr" "$ROOT/etc" -type d ! \( -perm 0755 -user 0 -group 0 \))"
check "man pages are valid gzip" gzip -t "$ROOT"/usr/man/man*/*.gz
# The pages say @VERSION@ in the tree (VERSION is its one home); the
# package must carry the version itself.
check_eq "every man page names version $VERSION" "" \
    "$(for p in "$ROOT"/usr/man/man*/*.gz; do zcat "$p" | head -n 1 | grep -q " $VERSION\"" || echo "$p"; done)"
check_contains "the stripped launcher still runs" "netns-exec" "$("$ROOT/usr/bin/netns-exec" --version 2>&1)"
check_contains "the stripped netns-jail still runs" "desktop" "$("$ROOT/usr/bin/netns-jail" --help 2>&1)"

# --- upgrade over edited files (bash, as on Slackware) ---------------------------
echo "vpn_jail  @nobody-edited" >>"$ROOT/etc/netns-exec.conf"
edited=$(md5sum <"$ROOT/etc/netns-exec.conf")
echo "# local change" >>"$ROOT/etc/rc.d/rc.netns-jail"
chmod 0755 "$ROOT/etc/rc.d/rc.netns-jail"
out=$(install_pkg bash)
check "upgrade: doinst.sh (bash) runs cleanly" test $? -eq 0
check_eq "upgrade: the edited netns-exec.conf is kept" "$edited" "$(md5sum <"$ROOT/etc/netns-exec.conf")"
check "upgrade: the new version waits as netns-exec.conf.new" test -f "$ROOT/etc/netns-exec.conf.new"
check "upgrade: an unchanged netns-jail.conf gets no .new" test ! -e "$ROOT/etc/netns-jail.conf.new"
check_eq "upgrade: the enabled, edited rc script stays 755" "755" "$(stat -c %a "$ROOT/etc/rc.d/rc.netns-jail")"
check_contains "upgrade: the local change survives" "# local change" "$(cat "$ROOT/etc/rc.d/rc.netns-jail")"
check_eq "upgrade: rc.netns-jail.new took the installed mode (preserve_perms)" "755" \
    "$(stat -c %a "$ROOT/etc/rc.d/rc.netns-jail.new" 2>/dev/null)"
check_contains "upgrade: the capability is applied again" "cap_sys_admin=ep" "$(getcap "$ROOT/usr/bin/netns-exec")"

# An enabled but unchanged rc script: .new is dropped and the script stays on.
cp "$ROOT/etc/rc.d/rc.netns-jail.new" "$ROOT/etc/rc.d/rc.netns-jail"
rm -f "$ROOT/etc/rc.d/rc.netns-jail.new" "$ROOT/etc/netns-exec.conf.new"
install_pkg bash >/dev/null
check "enabled, unchanged rc script: no .new is left" test ! -e "$ROOT/etc/rc.d/rc.netns-jail.new"
check_eq "enabled, unchanged rc script: still 755" "755" "$(stat -c %a "$ROOT/etc/rc.d/rc.netns-jail")"

# --- group restriction through etc/default/netns-exec ----------------------------
# The group exists only in the scratch root's etc/group (gid 47321), as it
# would when installpkg --root targets another system.
mkdir -p -m 0755 "$ROOT/etc/default"
echo "nxpkg_vpn:x:47321:" >"$ROOT/etc/group"
echo "NETNS_EXEC_GROUP=nxpkg_vpn" >"$ROOT/etc/default/netns-exec"
out=$(install_pkg bash)
check_eq "group: usr/bin/netns-exec is 750 root:nxpkg_vpn" "750 0:47321" "$(mode_owner usr/bin/netns-exec)"
check_contains "group: the capability survives the chown (setcap runs last)" "cap_sys_admin=ep" "$(getcap "$ROOT/usr/bin/netns-exec")"
make_test_user nxpkg_user
# setpriv still holds root's capabilities when it calls execve (they go at
# the exec), so it would pass the execute-permission check itself. The
# launcher is therefore started from a shell already running as the user.
as_user nxpkg_user /bin/sh -c '"$0" --version' "$ROOT/usr/bin/netns-exec" >/dev/null 2>&1
check_eq "group: a non-member cannot execute it (126)" 126 $?
setpriv --reuid=nxpkg_user --regid="$(id -g nxpkg_user)" --groups=47321 --inh-caps=-all -- \
    /bin/sh -c '"$0" --version' "$ROOT/usr/bin/netns-exec" >/dev/null 2>&1
check_eq "group: a member can" 0 $?

echo "NETNS_EXEC_GROUP=nxpkg_missing" >"$ROOT/etc/default/netns-exec"
out=$(install_pkg bash)
check_eq "missing group: fails closed to 700 root:root" "700 0:0" "$(mode_owner usr/bin/netns-exec)"
check_contains "missing group: doinst.sh says so" "WARNING: netns-exec: group nxpkg_missing" "$out"
check_contains "missing group: capability still applied for root's use" "cap_sys_admin=ep" "$(getcap "$ROOT/usr/bin/netns-exec")"

# An unparsable value is ignored (no group), not passed to chown.
echo 'NETNS_EXEC_GROUP=$(touch /tmp/nxpkg-pwned)' >"$ROOT/etc/default/netns-exec"
install_pkg bash >/dev/null
check_eq "a hostile NETNS_EXEC_GROUP is not evaluated or applied" "755 0:0" "$(mode_owner usr/bin/netns-exec)"
check "and ran nothing" test ! -e /tmp/nxpkg-pwned

# --- a tar that drops the capability, setcap outside PATH --------------------------
# Unpacked without --xattrs (pkgtools before 15.0), the launcher arrives
# without its capability and doinst.sh's setcap is what gives it. installpkg
# may run with a PATH that lacks /sbin; doinst.sh then falls back to the
# absolute paths. ("command" is shadowed so PATH lookup finds nothing.)
rm -f "$ROOT/etc/default/netns-exec"
tar -xJpf "$PKG" -C "$ROOT"
check_eq "unpacked without xattrs, the launcher has no capability" "" "$(getcap "$ROOT/usr/bin/netns-exec")"
(cd "$ROOT" && PATH=/usr/bin:/bin bash -c 'command() { return 1; }; eval "$(cat)"' <"$ROOT/install/doinst.sh") >/dev/null 2>&1
check_contains "doinst.sh gives it, finding setcap by absolute path when PATH lacks it" "cap_sys_admin=ep" "$(getcap "$ROOT/usr/bin/netns-exec")"

# --- building and installing change no packages on the packager's host ----------
# make build and make install only check for the build packages (deps.sh
# --check); make deps is what installs. (make install DESTDIR=... used to
# run apt-get through make deps.)
recipe=$(make -n -C "$REPO_ROOT" build install DESTDIR="$S/nx-destdir" 2>&1)
check_contains "make build install: the build packages are checked" "scripts/deps.sh --check" "$recipe"
check_eq "make build install: nothing that installs packages" "" \
    "$(printf '%s\n' "$recipe" | grep -E 'apt-get|scripts/deps.sh( --test)?$' || true)"

suite_end

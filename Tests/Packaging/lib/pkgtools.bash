# Tests/Packaging/lib/pkgtools.bash: what Slackware's installpkg, upgradepkg
# and removepkg (pkgtools 15.0 and -current, source/a/pkgtools/scripts/)
# do to the files of a package, for a scratch root. Written for these
# tests from a reading of those scripts; the dialogs, tagfiles, locking,
# ldconfig and install-info are left out.
#
#   pkg_install ROOT PACKAGE.txz [sh]
#     installpkg --root ROOT: unpack with GNU tar
#       --acls --xattrs --xattrs-include='*' --keep-directory-symlink -xpvf
#     in ROOT, with install/ renamed to a private installpkg-XXXX directory
#     (tar --transform); record "PACKAGE NAME:" and the "FILE LIST:" (tar's
#     verbose listing, sorted, original member names) in
#     ROOT/var/log/packages/NAME; cd ROOT and pipe installpkg-XXXX/doinst.sh
#     into /bin/bash with no arguments (with "sh": run it as
#     "sh installpkg-XXXX/doinst.sh", installpkg's way where there is no
#     bash); keep the script as ROOT/var/log/scripts/NAME; remove
#     installpkg-XXXX. Prints doinst.sh's output.
#   pkg_remove ROOT NAME
#     removepkg --root ROOT: delete every file of NAME's FILE LIST that no
#     other installed package lists, then its directories that are empty,
#     deepest first; move the database entries to removed_packages and
#     removed_scripts. Files that doinst.sh made (the configuration files
#     it renamed from .new) are in no list, so they stay.
#   pkg_upgrade ROOT PACKAGE.txz
#     upgradepkg --root ROOT (also what --reinstall does): rename the entry
#     of every installed package with the same base name to
#     NAME-upgraded-DATE, install the new package, then remove the renamed
#     entries; so the old package's files that the new one lacks go, and
#     the rest stays as the new package wrote it.

_pkg_shortname() { basename "$1" | sed 's/\.t[bglx]z$//'; }
_pkg_basename() { _pkg_shortname "$1" | sed 's/-[^-]*-[^-]*-[^-]*$//'; }

pkg_install() {
    local root=$1 pkg=$2 how=${3:-bash} name adm instdir list
    name=$(_pkg_shortname "$pkg")
    adm=$root/var/log
    mkdir -p "$adm/packages" "$adm/scripts" "$adm/removed_packages" "$adm/removed_scripts"
    instdir=installpkg-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    list=$(cd "$root" && xz -dc <"$pkg" |
        tar --transform "s,^install\$,$instdir," --transform "s,^install/,$instdir/," \
            --acls --xattrs --xattrs-include='*' --keep-directory-symlink -xpvf - | LC_ALL=C sort) || return 1
    { echo "PACKAGE NAME:     $name"; echo "FILE LIST:"; printf '%s\n' "$list"; } >"$adm/packages/$name"
    if [ -f "$root/$instdir/doinst.sh" ]; then
        if [ "$how" = sh ]; then
            (cd "$root" && sh "$instdir/doinst.sh") 2>&1
        else
            (cd "$root" && /bin/bash <"$instdir/doinst.sh") 2>&1
        fi
        cp "$root/$instdir/doinst.sh" "$adm/scripts/$name"
    fi
    rm -rf "${root:?}/$instdir"
}

pkg_remove() {
    local root=$1 name=$2 adm=$1/var/log f tmp
    [ -f "$adm/packages/$name" ] || { echo "pkg_remove: no such package: $name" >&2; return 1; }
    tmp=$(mktemp -d)
    sed -n '/^\.\//,/^$/p' "$adm/packages/$name" | grep -v '^FILE LIST:' | LC_ALL=C sort -u >"$tmp/delete"
    find "$adm/packages" -maxdepth 1 -type f ! -name "$name" -exec cat {} + 2>/dev/null |
        LC_ALL=C sort -u >"$tmp/required"
    LC_ALL=C comm -23 "$tmp/delete" "$tmp/required" >"$tmp/unique"
    while IFS= read -r f; do
        if [ ! -d "$root/$f" ] && { [ -e "$root/$f" ] || [ -L "$root/$f" ]; }; then rm -f "${root:?}/$f"; fi
    done <"$tmp/unique"
    LC_ALL=C sort -r "$tmp/unique" | while IFS= read -r f; do
        if [ -d "$root/$f" ] && [ -z "$(ls -A "$root/$f")" ]; then rmdir "$root/$f"; fi
    done
    mv "$adm/packages/$name" "$adm/removed_packages/"
    if [ -f "$adm/scripts/$name" ]; then mv "$adm/scripts/$name" "$adm/removed_scripts/"; fi
    rm -rf "$tmp"
}

pkg_upgrade() {
    local root=$1 pkg=$2 base old stamp out olds=()
    base=$(_pkg_basename "$pkg")
    stamp=$(date +%F,%T)
    for old in "$root"/var/log/packages/*; do
        [ -f "$old" ] || continue
        [ "$(_pkg_basename "$old.txz")" = "$base" ] || continue
        old=$(basename "$old")
        mv "$root/var/log/packages/$old" "$root/var/log/packages/$old-upgraded-$stamp"
        if [ -f "$root/var/log/scripts/$old" ]; then
            mv "$root/var/log/scripts/$old" "$root/var/log/scripts/$old-upgraded-$stamp"
        fi
        olds+=("$old-upgraded-$stamp")
    done
    out=$(pkg_install "$root" "$pkg") || return 1
    printf '%s' "$out"
    for old in "${olds[@]}"; do pkg_remove "$root" "$old" || return 1; done
}

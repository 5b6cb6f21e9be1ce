# Tests/Packaging/lib/old-glibc.bash: Debian 11's glibc (2.31) and patchelf,
# fetched from Debian's archive with apt-get download and unpacked with
# dpkg-deb -x into a cache directory. Nothing is installed on the host: apt
# runs with a private sources list, its own lists and its own package cache,
# and never touches dpkg's database.
#
#   old_glibc_fetch CACHE   fills CACHE (default /var/cache/netns-exec-glibc):
#     CACHE/bullseye/lib/x86_64-linux-gnu/   libc6 2.31 and libgcc-s1 (loader,
#                                            libc, libm, libpthread, libdl, libgcc_s)
#     CACHE/patchelf/usr/bin/patchelf        from the host's own release
#   and sets OLD_GLIBC_LIB, OLD_GLIBC_LOADER and PATCHELF. A second call
#   reuses what is there. Returns 1 (with a message) when a download fails.
#
# The archive is the one this machine's apt sources name
# (Tests/lib/debian-archive.sh), or OLD_GLIBC_MIRROR; a machine whose
# sources do not carry bullseye fails with one line naming that variable.

OLD_GLIBC_SUITE=bullseye
OLD_GLIBC_VERSION=2.31
# shellcheck source=../../lib/debian-archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/debian-archive.sh"

# _old_glibc_apt CACHE: lists for bullseye and for the host's own release
# (patchelf), each from the first archive that carries it.
_old_glibc_apt() {
    local d=$1/apt host_suite old new
    host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-bookworm}")
    # shellcheck disable=SC2046,SC2086  # lists of URIs
    old=$(debian_pick "$d" "$OLD_GLIBC_SUITE" ${OLD_GLIBC_MIRROR:-$(debian_archive_uris main)}) || {
        echo "old-glibc: Debian $OLD_GLIBC_SUITE is not on ${OLD_GLIBC_MIRROR:-the apt sources of this machine}; set OLD_GLIBC_MIRROR to an archive that carries it" >&2
        return 1
    }
    # shellcheck disable=SC2046
    new=$(debian_pick "$d" "$host_suite" $(debian_archive_uris main)) || {
        echo "old-glibc: no apt source of this machine carries its own release $host_suite (for patchelf)" >&2
        return 1
    }
    debian_update "$d" "$old $OLD_GLIBC_SUITE" "$new $host_suite" || {
        echo "old-glibc: apt-get update failed:" >&2; grep -E '^(E|W|Err):' "$d/update.log" | head -n 5 >&2
        return 1
    }
}

old_glibc_fetch() {
    local cache=${1:-/var/cache/netns-exec-glibc} host_suite deb
    OLD_GLIBC_LIB=$cache/$OLD_GLIBC_SUITE/lib/x86_64-linux-gnu
    OLD_GLIBC_LOADER=$OLD_GLIBC_LIB/ld-$OLD_GLIBC_VERSION.so
    PATCHELF=$cache/patchelf/usr/bin/patchelf
    if [ -x "$OLD_GLIBC_LOADER" ] && [ -f "$OLD_GLIBC_LIB/libgcc_s.so.1" ] && [ -x "$PATCHELF" ]; then
        return 0
    fi
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
        { echo "old-glibc: apt-get and dpkg-deb are needed" >&2; return 1; }
    install -d -m 0755 -o root -g root "$cache"
    _old_glibc_apt "$cache" || return 1
    host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-bookworm}")
    rm -rf "$cache/debs" && mkdir -p "$cache/debs"
    (cd "$cache/debs" && debian_apt "$cache/apt" apt-get download \
        "libc6:amd64/$OLD_GLIBC_SUITE" "libgcc-s1:amd64/$OLD_GLIBC_SUITE" "patchelf/$host_suite") \
        >"$cache/apt/download.log" 2>&1 ||
        { echo "old-glibc: apt-get download failed:" >&2; cat "$cache/apt/download.log" >&2; return 1; }
    rm -rf "$cache/$OLD_GLIBC_SUITE.tmp" "$cache/patchelf.tmp"
    for deb in "$cache"/debs/libc6_*.deb "$cache"/debs/libgcc-s1_*.deb; do
        dpkg-deb -x "$deb" "$cache/$OLD_GLIBC_SUITE.tmp" || return 1
    done
    dpkg-deb -x "$cache"/debs/patchelf_*.deb "$cache/patchelf.tmp" || return 1
    rm -rf "$cache/$OLD_GLIBC_SUITE" "$cache/patchelf"
    mv "$cache/$OLD_GLIBC_SUITE.tmp" "$cache/$OLD_GLIBC_SUITE"
    mv "$cache/patchelf.tmp" "$cache/patchelf"
    [ -x "$OLD_GLIBC_LOADER" ] && [ -x "$PATCHELF" ] ||
        { echo "old-glibc: $OLD_GLIBC_LOADER or $PATCHELF missing after unpacking" >&2; return 1; }
}

# old_glibc_copy SRC DEST: a copy of SRC whose ELF interpreter is the old
# loader and whose RPATH is the old library directory, so that it runs,
# even with a file capability (secure mode ignores LD_LIBRARY_PATH but not
# an absolute RPATH), on glibc 2.31 while every program it starts uses the
# host's. RPATH, not RUNPATH: an executable's RPATH also applies to the
# libraries libc itself loads later, the NSS modules (libnss_files.so.2
# for getpwnam), which must be 2.31's as on a Debian 11 system.
# Only test copies are changed; the binaries under test keep no RUNPATH.
old_glibc_copy() {
    install -m 0755 -o root -g root "$1" "$2" &&
        "$PATCHELF" --set-interpreter "$OLD_GLIBC_LOADER" --force-rpath --set-rpath "$OLD_GLIBC_LIB" "$2"
}

# old_openvpn_fetch CACHE: Debian 11's OpenVPN 2.5.1 (Slackware 15.0 ships
# 2.5 too) with the libraries it needs from Debian 11, unpacked under
# CACHE/openvpn-2.5, and a copy whose loader and RPATH are Debian 11's
# (old_glibc_copy): CACHE/openvpn-2.5/openvpn. Needs old_glibc_fetch first.
# Sets OLD_OPENVPN.
OLD_OPENVPN_PACKAGES="openvpn libssl1.1 liblzo2-2 liblz4-1 libpkcs11-helper1 libcap-ng0 libsystemd0 libgcrypt20 libgpg-error0 liblzma5 libzstd1"
old_openvpn_fetch() {
    local cache=${1:-/var/cache/netns-exec-glibc} d p deb pkgs=()
    d=$cache/openvpn-2.5
    OLD_OPENVPN=$d/openvpn
    [ -x "$OLD_OPENVPN" ] && return 0
    [ -x "$OLD_GLIBC_LOADER" ] || { echo "old-openvpn: run old_glibc_fetch first" >&2; return 1; }
    for p in $OLD_OPENVPN_PACKAGES; do pkgs+=("$p:amd64/$OLD_GLIBC_SUITE"); done
    rm -rf "$d.tmp" && mkdir -p "$d.tmp/debs" || return 1
    (cd "$d.tmp/debs" && debian_apt "$cache/apt" apt-get download "${pkgs[@]}") >"$d.tmp/download.log" 2>&1 ||
        { echo "old-openvpn: apt-get download failed:" >&2; tail -n 5 "$d.tmp/download.log" >&2; return 1; }
    for deb in "$d.tmp"/debs/*.deb; do dpkg-deb -x "$deb" "$d.tmp/root" || return 1; done
    install -m 0755 -o root -g root "$d.tmp/root/usr/sbin/openvpn" "$d.tmp/openvpn" &&
        "$PATCHELF" --set-interpreter "$OLD_GLIBC_LOADER" --force-rpath \
            --set-rpath "$OLD_GLIBC_LIB:$d/root/usr/lib/x86_64-linux-gnu:$d/root/lib/x86_64-linux-gnu" "$d.tmp/openvpn" || return 1
    rm -rf "$d.tmp/debs" "$d" && mv "$d.tmp" "$d" || return 1
    [ -x "$OLD_OPENVPN" ]
}

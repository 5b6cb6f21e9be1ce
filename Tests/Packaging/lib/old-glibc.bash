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
# The archive is the one the host's apt sources name (a URI ending in
# /debian), else deb.debian.org; OLD_GLIBC_MIRROR overrides it. When the
# mirror no longer carries bullseye, archive.debian.org is tried.

OLD_GLIBC_SUITE=bullseye
OLD_GLIBC_VERSION=2.31

_old_glibc_mirror() {
    if [ -n "${OLD_GLIBC_MIRROR:-}" ]; then echo "$OLD_GLIBC_MIRROR"; return; fi
    local uri
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' |
        tr ' ' '\n' | grep -E '^https?://[^ ]*/debian/?$' | head -n 1)
    echo "${uri:-http://deb.debian.org/debian}"
}

# _old_glibc_apt CACHE MIRROR: apt-get update with the private configuration.
_old_glibc_apt() {
    local cache=$1 mirror=$2 host_suite
    host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-bookworm}")
    mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
    {
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $OLD_GLIBC_SUITE main"
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $host_suite main"
    } >"$cache/apt/sources.list"
    OLD_GLIBC_APT=(-q -o Dir::Etc::sourcelist="$cache/apt/sources.list" -o Dir::Etc::sourceparts=-
                   -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache"
                   -o APT::Sandbox::User=root)
    apt-get "${OLD_GLIBC_APT[@]}" update >"$cache/apt/update.log" 2>&1 &&
        ! grep -q '^[EW]: ' "$cache/apt/update.log"
}

old_glibc_fetch() {
    local cache=${1:-/var/cache/netns-exec-glibc} mirror host_suite deb
    OLD_GLIBC_LIB=$cache/$OLD_GLIBC_SUITE/lib/x86_64-linux-gnu
    OLD_GLIBC_LOADER=$OLD_GLIBC_LIB/ld-$OLD_GLIBC_VERSION.so
    PATCHELF=$cache/patchelf/usr/bin/patchelf
    if [ -x "$OLD_GLIBC_LOADER" ] && [ -f "$OLD_GLIBC_LIB/libgcc_s.so.1" ] && [ -x "$PATCHELF" ]; then
        return 0
    fi
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
        { echo "old-glibc: apt-get and dpkg-deb are needed" >&2; return 1; }
    install -d -m 0755 -o root -g root "$cache"
    mirror=$(_old_glibc_mirror)
    if ! _old_glibc_apt "$cache" "$mirror"; then
        mirror=http://archive.debian.org/debian
        _old_glibc_apt "$cache" "$mirror" ||
            { echo "old-glibc: apt-get update failed:" >&2; cat "$cache/apt/update.log" >&2; return 1; }
    fi
    host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-bookworm}")
    rm -rf "$cache/debs" && mkdir -p "$cache/debs"
    (cd "$cache/debs" && apt-get "${OLD_GLIBC_APT[@]}" download \
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

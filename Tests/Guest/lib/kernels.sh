# Debian distribution kernels for the guest harness: fetched with
# `apt-get download` through a private apt configuration per release
# (Tests/lib/debian-archive.sh: the archive is the one this machine's apt
# sources name, or NXE_GUEST_MIRROR / NXE_GUEST_SECURITY), and unpacked,
# never installed, into a cache. Source it; it defines functions and sets
# nothing else but GUEST_CACHE.
#
# The cache is shared by every run on the machine (two `make test` at once,
# the matrix's lanes, Tests/Guest/boot by hand). Whatever writes to it
# (apt's state, an unpack, busybox, an initramfs) runs under one lock on
# the cache (guest_locked), and a finished entry is moved into place whole
# and never changed afterwards, so a reader that finds it complete needs
# no lock and no network. The matrix fetches everything first
# (guest_prefetch), in order, and only then boots its lanes in parallel.

GUEST_CACHE=${NXE_GUEST_CACHE:-/var/cache/netns-exec-guest}
GUEST_LOCK_WAIT=${NXE_GUEST_LOCK_WAIT:-1800}
# shellcheck source=../../lib/debian-archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/debian-archive.sh"

# guest_release NAME: the Debian release whose linux-image-amd64 is kernel
# NAME, as the matrix calls it.
guest_release() {
    case $1 in
        6.1) echo bookworm ;;
        6.12) echo trixie ;;
        5.10) echo bullseye ;;
        *) echo "guest: unknown kernel '$1' (known: 6.1 6.12 5.10)" >&2; return 1 ;;
    esac
}

# guest_locked COMMAND...: COMMAND in a subshell holding the cache's lock
# (flock on GUEST_CACHE/.lock, waited for up to GUEST_LOCK_WAIT seconds).
# A subshell, so that the lock's descriptor is never inherited by a lane or
# a guest that outlives the fetch; what COMMAND learns it leaves in the
# cache, where the unlocked fast paths find it.
guest_locked() {
    mkdir -p "$GUEST_CACHE" || return 1
    (
        flock -w "$GUEST_LOCK_WAIT" 9 ||
            { echo "guest: the cache $GUEST_CACHE stayed locked for ${GUEST_LOCK_WAIT} s (another run fetching?)" >&2; exit 1; }
        "$@"
    ) 9>>"$GUEST_CACHE/.lock"
}

# guest_apt RELEASE APT-GET-OR-CACHE ARGS...: apt with only RELEASE's sources.
guest_apt() {
    local rel=$1; shift
    debian_apt "$GUEST_CACHE/apt/$rel" "$@"
}

# guest_apt_update RELEASE: fresh lists for RELEASE (called under the lock).
guest_apt_update() {
    debian_sources_for "$GUEST_CACHE/apt/$1" "$1" NXE_GUEST_MIRROR NXE_GUEST_SECURITY guest
}

# guest_download RELEASE PACKAGE DIR: PACKAGE's .deb into DIR; prints its path.
guest_download() {
    local rel=$1 pkg=$2 dir=$3 deb
    mkdir -p "$dir"
    (cd "$dir" && guest_apt "$rel" apt-get download "$pkg" >download.log 2>&1) || {
        echo "guest: apt-get download $pkg ($rel) failed:" >&2; tail -3 "$dir/download.log" >&2; return 1; }
    deb=$(ls -t "$dir"/"${pkg}"_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || { echo "guest: no .deb for $pkg in $dir" >&2; return 1; }
    echo "$deb"
}

# guest_kernel_package RELEASE: the versioned image package the release's
# linux-image-amd64 depends on (linux-image-6.1.0-NN-amd64 and the like).
guest_kernel_package() {
    guest_apt "$1" apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}'
}

# _guest_cached_kernel NAME: sets GUEST_KVER and GUEST_KROOT when NAME's
# kernel is complete in the cache.
_guest_cached_kernel() {
    local kver
    kver=$(cat "$GUEST_CACHE/by-name/$1" 2>/dev/null) && [ -n "$kver" ] &&
        [ -e "$GUEST_CACHE/$kver/.complete" ] || return 1
    GUEST_KVER=$kver GUEST_KROOT=$GUEST_CACHE/$kver
}

# _guest_unpack_kernel NAME REFRESH (under the lock): resolve NAME's
# versioned package and unpack it unless that version is complete already.
# Prints "downloaded" or "cached", and nothing else on stdout.
_guest_unpack_kernel() {
    local name=$1 refresh=$2 rel pkg deb tmp kver mdir how=cached
    # Another holder may have finished it while this one waited.
    if [ "$refresh" != --refresh ] && _guest_cached_kernel "$name"; then
        echo cached
        return 0
    fi
    rel=$(guest_release "$name") || return 1
    guest_apt_update "$rel" || return 1
    pkg=$(guest_kernel_package "$rel")
    [ -n "$pkg" ] || { echo "guest: $rel's linux-image-amd64 names no versioned image" >&2; return 1; }
    kver=${pkg#linux-image-}
    # A complete unpack of a version is never touched again (a guest may be
    # reading it); --refresh only learns whether there is a newer version.
    if [ ! -e "$GUEST_CACHE/$kver/.complete" ]; then
        tmp=$GUEST_CACHE/.dl.$kver
        rm -rf "$tmp" "$GUEST_CACHE/$kver"
        deb=$(guest_download "$rel" "$pkg" "$tmp") || return 1
        dpkg-deb -x "$deb" "$tmp/root" || return 1
        # trixie ships /usr/lib/modules; depmod -b (bookworm's kmod) looks
        # under lib/modules only.
        if [ ! -d "$tmp/root/lib/modules/$kver" ] && [ -d "$tmp/root/usr/lib/modules/$kver" ]; then
            ln -s usr/lib "$tmp/root/lib"
        fi
        mdir=$tmp/root/lib/modules/$kver
        [ -d "$mdir" ] && [ -f "$tmp/root/boot/vmlinuz-$kver" ] ||
            { echo "guest: $pkg has no vmlinuz or module tree" >&2; return 1; }
        # Compressed modules would need a module loader that knows xz
        # (busybox's insmod in the initramfs does not; the host's kmod may
        # be built without it): store them plain.
        find "$mdir" -name '*.ko.xz' -exec xz -d {} + || return 1
        find "$mdir" -name '*.ko.zst' -exec zstd -q -d --rm {} + 2>/dev/null
        depmod -b "$tmp/root" "$kver" || return 1
        touch "$tmp/root/.complete"
        mv "$tmp/root" "$GUEST_CACHE/$kver" && rm -rf "$tmp" || return 1
        how=downloaded
    fi
    mkdir -p "$GUEST_CACHE/by-name"
    echo "$kver" >"$GUEST_CACHE/by-name/.$name.tmp" &&
        mv "$GUEST_CACHE/by-name/.$name.tmp" "$GUEST_CACHE/by-name/$name" || return 1
    echo "$how"
}

# guest_fetch_kernel NAME [--refresh]: sets GUEST_KVER (uname -r in the
# guest) and GUEST_KROOT (the unpacked package: boot/vmlinuz-KVER, its
# config, and lib/modules/KVER with modules.dep). A complete earlier unpack
# is used without the lock or the network unless --refresh is given; a
# fresh cache downloads, under the lock.
guest_fetch_kernel() {
    local name=$1 refresh=${2:-}
    guest_release "$name" >/dev/null || return 1
    if [ "$refresh" != --refresh ] && _guest_cached_kernel "$name"; then
        GUEST_FETCHED=cached
        return 0
    fi
    GUEST_FETCHED=$(guest_locked _guest_unpack_kernel "$name" "$refresh") || return 1
    _guest_cached_kernel "$name" ||
        { echo "guest: kernel $name is not complete in $GUEST_CACHE after fetching" >&2; return 1; }
}

# _guest_unpack_busybox (under the lock): bookworm's busybox-static.
_guest_unpack_busybox() {
    local d=$GUEST_CACHE/busybox tmp=$GUEST_CACHE/.dl.busybox deb
    [ -x "$d/root/bin/busybox" ] && return 0
    guest_apt_update bookworm || return 1
    rm -rf "$tmp" "$d"
    deb=$(guest_download bookworm busybox-static "$tmp") || return 1
    dpkg-deb -x "$deb" "$tmp/root" || return 1
    mv "$tmp" "$d"
}

# guest_fetch_busybox: sets GUEST_BUSYBOX to a static busybox, unpacked
# from bookworm's busybox-static (never installed on the host).
guest_fetch_busybox() {
    GUEST_BUSYBOX=$GUEST_CACHE/busybox/root/bin/busybox
    [ -x "$GUEST_BUSYBOX" ] && return 0
    guest_locked _guest_unpack_busybox || return 1
    [ -x "$GUEST_BUSYBOX" ] || { echo "guest: no busybox in $GUEST_CACHE after fetching" >&2; return 1; }
}

# guest_prefetch NAME...: every kernel, busybox and each kernel's
# initramfs, one after the other, so that nothing is fetched or written
# once guests run. Prints one line per kernel: NAME KVER how (downloaded,
# cached) and the seconds it took. Returns 1 at the first failure, which
# has said why in one line.
guest_prefetch() {
    local name t
    guest_fetch_busybox || return 1
    for name; do
        t=$SECONDS
        guest_fetch_kernel "$name" || return 1
        guest_initramfs "$GUEST_KROOT" "$GUEST_KVER" >/dev/null || return 1
        echo "$name $GUEST_KVER $GUEST_FETCHED $((SECONDS - t))"
    done
}

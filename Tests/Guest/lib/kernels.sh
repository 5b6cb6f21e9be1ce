# Debian distribution kernels for the guest harness: fetched with
# `apt-get download` through a private apt configuration per release, and
# unpacked (never installed) into a cache. Source it; it defines functions
# and sets nothing else but GUEST_CACHE.
#
# The host's own apt state (sources, lists, archives) is never read or
# written: every apt call goes through guest_apt, which points apt at a
# sources list and list/cache directories of our own. That keeps the
# harness independent of which release the host runs and of whether the
# host's lists are fresh.

GUEST_CACHE=${NXE_GUEST_CACHE:-/var/cache/netns-exec-guest}

# The same archive hosts the host's own sources use. Bullseye has left the
# main archive on some dates; archive.debian.org is where it goes then.
GUEST_MIRROR=${NXE_GUEST_MIRROR:-http://deb.debian.org/debian}
GUEST_SECURITY=${NXE_GUEST_SECURITY:-http://deb.debian.org/debian-security}
GUEST_ARCHIVE_MIRROR=http://archive.debian.org/debian
GUEST_ARCHIVE_SECURITY=http://archive.debian.org/debian-security
GUEST_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

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

# guest_apt RELEASE APT-GET-OR-CACHE ARGS...: apt with only our sources.
guest_apt() {
    local rel=$1 tool=$2 d=$GUEST_CACHE/apt/$1; shift 2
    "$tool" -q -o Dir::Etc::sourcelist="$d/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" \
        -o Dir::Etc::preferencesparts=- -o Dir::Etc::preferences=/dev/null \
        -o APT::Get::List-Cleanup=false -o Acquire::Languages=none \
        -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root "$@"
}

# _guest_sources RELEASE BASE SECURITY: write the private sources list.
# bullseye's security suite is named bullseye-security like the later ones.
_guest_sources() {
    local rel=$1 base=$2 sec=$3 d=$GUEST_CACHE/apt/$1
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    {
        echo "deb [signed-by=$GUEST_KEYRING] $base $rel main"
        echo "deb [signed-by=$GUEST_KEYRING] $sec $rel-security main"
    } >"$d/sources.list"
}

# guest_apt_update RELEASE: fresh lists for RELEASE, from the main archive
# host, or from archive.debian.org when the release is no longer there.
guest_apt_update() {
    local rel=$1
    _guest_sources "$rel" "$GUEST_MIRROR" "$GUEST_SECURITY"
    if guest_apt "$rel" apt-get update >"$GUEST_CACHE/apt/$rel/update.log" 2>&1 &&
        ! grep -qE '^(E:|W: Failed)' "$GUEST_CACHE/apt/$rel/update.log"; then
        return 0
    fi
    echo "guest: $rel not (fully) on $GUEST_MIRROR; trying $GUEST_ARCHIVE_MIRROR" >&2
    _guest_sources "$rel" "$GUEST_ARCHIVE_MIRROR" "$GUEST_ARCHIVE_SECURITY"
    guest_apt "$rel" apt-get update >"$GUEST_CACHE/apt/$rel/update.log" 2>&1 &&
        ! grep -qE '^E:' "$GUEST_CACHE/apt/$rel/update.log" && return 0
    echo "guest: apt-get update for $rel failed:" >&2
    grep -E '^(E|W):' "$GUEST_CACHE/apt/$rel/update.log" | head -5 >&2
    return 1
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

# guest_fetch_kernel NAME [--refresh]: sets GUEST_KVER (uname -r in the
# guest) and GUEST_KROOT (the unpacked package: boot/vmlinuz-KVER, its
# config, and lib/modules/KVER with modules.dep). A complete earlier unpack
# is reused without touching the network unless --refresh is given, so
# iterating is quick; a fresh machine downloads.
guest_fetch_kernel() {
    local name=$1 refresh=${2:-} rel pkg deb tmp kver mdir
    rel=$(guest_release "$name") || return 1
    mkdir -p "$GUEST_CACHE/by-name"
    if [ "$refresh" != --refresh ] && kver=$(cat "$GUEST_CACHE/by-name/$name" 2>/dev/null) &&
        [ -e "$GUEST_CACHE/$kver/.complete" ]; then
        GUEST_KVER=$kver GUEST_KROOT=$GUEST_CACHE/$kver
        return 0
    fi
    guest_apt_update "$rel" || return 1
    pkg=$(guest_kernel_package "$rel")
    [ -n "$pkg" ] || { echo "guest: $rel's linux-image-amd64 names no versioned image" >&2; return 1; }
    kver=${pkg#linux-image-}
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
        mv "$tmp/root" "$GUEST_CACHE/$kver" && rm -rf "$tmp"
        touch "$GUEST_CACHE/$kver/.complete"
    fi
    echo "$kver" >"$GUEST_CACHE/by-name/$name"
    GUEST_KVER=$kver GUEST_KROOT=$GUEST_CACHE/$kver
}

# guest_fetch_busybox: sets GUEST_BUSYBOX to a static busybox, unpacked
# from bookworm's busybox-static (never installed on the host).
guest_fetch_busybox() {
    local d=$GUEST_CACHE/busybox deb
    if [ ! -x "$d/root/bin/busybox" ]; then
        guest_apt_update bookworm || return 1
        rm -rf "$d"
        deb=$(guest_download bookworm busybox-static "$d") || return 1
        dpkg-deb -x "$deb" "$d/root" || return 1
    fi
    GUEST_BUSYBOX=$d/root/bin/busybox
}

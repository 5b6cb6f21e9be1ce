#!/bin/bash
# The guest harness's fetch step on a cold cache, twice at once: what two
# `make test` runs (or two lanes) on a machine that never ran the matrix
# do. Both must succeed and agree, the download must happen once (the
# second waits on the cache's lock and finds it done), and the cache must
# hold one complete kernel, busybox and an initramfs, with no half-written
# download left. No guest is booted. Also: the archive comes from this
# machine's apt configuration (both of apt's formats), and a release that
# the named archive does not carry fails with one line naming the variable
# to set.
. "$(dirname "$0")/../lib/testlib.sh"
GUEST_DIR=$REPO_ROOT/Tests/Guest
KERNEL=${NXE_FETCH_TEST_KERNEL:-6.1}

NXE_SUITE_LOCK=off  # touches only a cache of its own under /var/tmp
suite_begin guest-fetch
require_root
require_cmd apt-get apt-cache dpkg-deb cpio gzip xz depmod flock timeout

scratch=$(mktemp -d /var/tmp/nxe-guest-fetch.XXXXXX) || { fail "no scratch directory"; suite_end; }
on_exit "rm -rf '$scratch'"
cache=$scratch/cache

# --- where packages come from: apt's own reading of the machine's sources ---
# A private apt configuration stands in for the machine's, with one entry
# in each of apt's formats; apt-get indextargets reads them without the
# network.
mkdir -p "$scratch/apt/sources.list.d"
echo "deb http://192.0.2.7/debian bookworm main" >"$scratch/apt/sources.list"
cat >"$scratch/apt/sources.list.d/more.sources" <<'SRC'
Types: deb
URIs: http://198.51.100.9/debian-security
Suites: bookworm-security
Components: main
SRC
printf 'Dir::Etc::sourcelist "%s";\nDir::Etc::sourceparts "%s";\nDir::State::Lists "%s";\n' \
    "$scratch/apt/sources.list" "$scratch/apt/sources.list.d" "$scratch/apt" >"$scratch/apt/apt.conf"
main_uris=$(APT_CONFIG=$scratch/apt/apt.conf bash -c ". '$REPO_ROOT/Tests/lib/debian-archive.sh'; debian_archive_uris main")
sec_uris=$(APT_CONFIG=$scratch/apt/apt.conf bash -c ". '$REPO_ROOT/Tests/lib/debian-archive.sh'; debian_archive_uris security")
check_eq "the main archive is the one a sources.list line names" "http://192.0.2.7/debian/" "$main_uris"
check_eq "the security archive is the one a deb822 .sources file names" "http://198.51.100.9/debian-security/" "$sec_uris"
machine=$(bash -c ". '$REPO_ROOT/Tests/lib/debian-archive.sh'; debian_archive_uris main")
check "this machine's apt sources name a main archive (the fetch below uses it)" test -n "$machine"

# --- a release the named archive does not carry: one line, the variable ---
# A file: URI of an empty directory, so apt fails here and sends nothing.
mkdir -p "$scratch/empty-archive"
if NXE_GUEST_CACHE=$scratch/nowhere NXE_GUEST_MIRROR=file://$scratch/empty-archive \
    timeout 120 bash -c ". '$GUEST_DIR/lib/kernels.sh'; . '$GUEST_DIR/lib/guest.sh'; guest_prefetch 6.1" \
    >"$scratch/nowhere.out" 2>"$scratch/nowhere.err"; then
    fail "a kernel was fetched from an empty archive"
else
    pass "an archive without the release fails the fetch"
fi
check_eq "the failure is one line" 1 "$(wc -l <"$scratch/nowhere.err")"
check_contains "it names the release and the archive tried" \
    "guest: Debian bookworm is not on NXE_GUEST_MIRROR=file://$scratch/empty-archive" "$(cat "$scratch/nowhere.err")"
check_contains "it names the variable to set" "set NXE_GUEST_MIRROR to an archive that carries bookworm" \
    "$(cat "$scratch/nowhere.err")"

# --- two cold fetches at once into one empty cache ---
fetch() {
    NXE_GUEST_CACHE=$cache timeout 900 bash -c \
        ". '$GUEST_DIR/lib/kernels.sh'; . '$GUEST_DIR/lib/guest.sh'; guest_prefetch $KERNEL" \
        >"$scratch/fetch.$1.out" 2>"$scratch/fetch.$1.err"
}
t=$SECONDS
fetch 1 & p1=$!
on_exit "kill_pid $p1"
fetch 2 & p2=$!
on_exit "kill_pid $p2"
wait "$p1"; s1=$?
wait "$p2"; s2=$?
echo "       both fetches ended after $((SECONDS - t)) s"
check_eq "the first fetch succeeded" 0 "$s1"
check_eq "the second fetch succeeded" 0 "$s2"
for i in 1 2; do
    [ -s "$scratch/fetch.$i.err" ] && sed "s/^/       fetch $i: /" "$scratch/fetch.$i.err" | head -n 5
done
read -r n1 k1 how1 _ <"$scratch/fetch.1.out"
read -r n2 k2 how2 _ <"$scratch/fetch.2.out"
check_eq "both name kernel $KERNEL" "$KERNEL $KERNEL" "$n1 $n2"
check_eq "both agree on the version" "$k1" "$k2"
check_eq "one downloaded and the other found it done (the lock held)" "cached downloaded" \
    "$(printf '%s\n' "$how1" "$how2" | sort | paste -sd' ')"
kroot=$cache/$k1
check "the kernel is complete in the cache" test -e "$kroot/.complete"
check "its vmlinuz is there" test -s "$kroot/boot/vmlinuz-$k1"
check "its modules are indexed" test -s "$kroot/lib/modules/$k1/modules.dep"
check_eq "by-name points at it" "$k1" "$(cat "$cache/by-name/$KERNEL" 2>/dev/null)"
check_eq "one kernel directory, no half-written download left" "$k1" \
    "$(cd "$cache" && ls -A | grep -vE '^(apt|busybox|by-name|\.lock)$' | paste -sd' ')"
check "busybox is unpacked" test -x "$cache/busybox/root/bin/busybox"
listing=$(gzip -dc "$kroot/nxe-initramfs.img" 2>/dev/null | cpio -t --quiet 2>/dev/null)
check_eq "the initramfs holds init and busybox" "bin/busybox init" \
    "$(grep -xE 'init|bin/busybox' <<<"$listing" | sort | paste -sd' ')"

# A third fetch on the warm cache: no download and the same answer.
fetch 3
read -r _ k3 how3 _ <"$scratch/fetch.3.out"
check_eq "a warm cache gives the same kernel without downloading" "$k1 cached" "$k3 $how3"
suite_end

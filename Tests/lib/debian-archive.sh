# Tests/lib/debian-archive.sh: Debian's archive as this machine's own apt
# configuration names it, for the suites that fetch packages of other
# releases (the guest kernels and busybox, Debian 11's glibc) and unpack
# them without installing anything. Source it; it defines functions only.
#
# Where packages come from is the machine's business: its sources.list or
# deb822 .sources, read through apt's own parser (`apt-get indextargets`),
# may point at a local mirror or a proxy that alone works there. So the
# project names no archive host: a release the machine's sources do not
# carry is a one-line failure that names the variable to set instead.
#
# Every apt call goes through debian_apt, with a sources list, lists and a
# package cache of the caller's own under one directory: the host's apt
# state (its sources, lists, archives, dpkg's database) is never read or
# written. The host's apt.conf still applies, so a proxy set there works.

DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# debian_archive_uris main|security: the machine's deb URIs, in the order
# its configuration gives them, each once. "security" is the URIs serving
# a suite whose name ends in -security, "main" the others.
debian_archive_uris() {
    # shellcheck disable=SC2016  # apt's own $(FIELD) syntax, not the shell's
    apt-get indextargets --no-release-info --format '$(TARGET_OF) $(REPO_URI) $(RELEASE)' 2>/dev/null |
        awk -v kind="$1" '$1 == "deb" {
            security = ($3 ~ /-security$/)
            if ((kind == "security") == security && !seen[$2]++) print $2
        }'
}

# debian_apt DIR TOOL ARGS...: apt-get or apt-cache with DIR's own sources
# list, lists and cache and nothing of the host's.
debian_apt() {
    local d=$1 tool=$2; shift 2
    "$tool" -q -o Dir::Etc::sourcelist="$d/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" \
        -o Dir::Etc::preferencesparts=- -o Dir::Etc::preferences=/dev/null \
        -o APT::Get::List-Cleanup=false -o Acquire::Languages=none \
        -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root "$@"
}

# debian_update DIR "URI SUITE" ...: DIR's sources list becomes these
# entries (component main, Debian's keyring) and its lists are fetched.
# Succeeds only when every entry's index arrived; DIR/update.log keeps
# apt's words.
debian_update() {
    local d=$1 entry; shift
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" || return 1
    for entry; do
        echo "deb [signed-by=$DEBIAN_KEYRING] $entry main"
    done >"$d/sources.list"
    debian_apt "$d" apt-get update >"$d/update.log" 2>&1 &&
        ! grep -qE '^(E:|W: Failed|Err:)' "$d/update.log"
}

# debian_pick DIR SUITE URI...: prints the first URI whose archive carries
# SUITE (its main component), trying them in order; 1 when none does.
debian_pick() {
    local d=$1 suite=$2 uri; shift 2
    for uri; do
        if debian_update "$d" "$uri $suite"; then
            echo "$uri"
            return 0
        fi
    done
    return 1
}

# debian_sources_for DIR RELEASE MAIN-VAR SECURITY-VAR WHO: DIR's lists
# for RELEASE from the archives named by the variables MAIN-VAR and
# SECURITY-VAR (space-separated URIs) when set, else from the machine's apt
# sources. The security suite is used where one of them carries it (a
# release's newest kernel and libc are often there) and left out with a
# note where none does. WHO prefixes the messages.
debian_sources_for() {
    local d=$1 rel=$2 mainvar=$3 secvar=$4 who=$5 mains secs base sec
    mains=${!mainvar:-$(debian_archive_uris main)}
    secs=${!secvar:-$(debian_archive_uris security)}
    # shellcheck disable=SC2086  # lists of URIs
    if ! base=$(debian_pick "$d" "$rel" $mains); then
        echo "$who: Debian $rel is not on ${!mainvar:+$mainvar=}$(echo ${mains:-"(no apt source)"})" \
            "(this machine's apt sources unless $mainvar is set); set $mainvar to an archive that carries $rel" >&2
        return 1
    fi
    # shellcheck disable=SC2086
    if sec=$(debian_pick "$d" "$rel-security" $secs); then
        debian_update "$d" "$base $rel" "$sec $rel-security" && return 0
        echo "$who: apt-get update for $rel failed:" >&2
        grep -E '^(E|W|Err):' "$d/update.log" | head -n 5 >&2
        return 1
    fi
    echo "$who: note: no archive of ${!secvar:+$secvar=}$(echo ${secs:-"(none)"}) carries $rel-security;" \
        "using $rel's point release ($secvar names one)" >&2
    debian_update "$d" "$base $rel"
}

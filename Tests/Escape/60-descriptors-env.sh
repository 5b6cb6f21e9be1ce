#!/bin/bash
# Escape matrix, part 6: what crosses the launcher. Only the caller's own
# descriptors reach the command (nothing the privileged launcher opened:
# the namespace file, the policy, the syslog socket, the tmpfs layer), and
# the environment arrives byte for byte as the caller gave it, apart from
# NETNS_EXEC, including the variables the C library strips from the
# launcher itself in secure mode.
cd "$(dirname "$0")/../.." || exit 1
. Tests/lib/testlib.sh
. Tests/Escape/helpers/escape-lib.bash

suite_begin "escape: descriptors and environment"
escape_setup

# --- descriptors ---------------------------------------------------------------
# The caller holds 0-2 plus 5 (a file), 7 (the host namespace) and 9 (a
# file open for appending); the command must see exactly those.
install -d -m 0755 -o "$ESC_USER" "$ESC_DIR/w"
# close_inherited: closes whatever the test runner itself left open above 2,
# so that only the descriptors this suite opens are in play.
close_inherited() {
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
}
with_fds() { ( close_inherited; exec 5</etc/hostname 7<"/run/netns/$ESC_HOST" 9>>"$ESC_DIR/w/log"; "$@" ) </dev/null 2>/dev/null; }
without_fds() { ( close_inherited; "$@" ) </dev/null 2>/dev/null; }
# Pipe inode numbers differ between two captures; the kind of file is compared.
normalise() { sed 's/pipe:\[[0-9]*\]/pipe/' | sort -n; }
inside=$(with_fds jailed "$ESC_PROC" fds | normalise)
outside_fds=$(with_fds outside "$ESC_PROC" fds | normalise)
check_eq "the command sees exactly the caller's descriptors" "$outside_fds" "$inside"
check_eq "descriptor numbers: 0 1 2 5 7 9" "0 1 2 5 7 9" "$(printf '%s\n' "$inside" | awk '{ print $1 }' | xargs)"
# Without extra descriptors: nothing beyond 0-2.
check_eq "with none passed, only 0 1 2 arrive" "0 1 2" "$(without_fds jailed "$ESC_PROC" fds | awk '{ print $1 }' | sort -n | xargs)"

# --- environment ---------------------------------------------------------------
# An environment built to break things: variables glibc removes in secure
# mode, loader and Swift variables, a Swift variable with a long name (the
# launcher removes SWIFT_* from its own copy), empty and odd values,
# invalid UTF-8, a duplicate, an entry without '=', and a forged NETNS_EXEC.
envfile=$ESC_DIR/env.in
long_name="SWIFT_$(printf 'L%.0s' $(seq 1 200))"
{
    printf '%s\0' "PATH=/usr/bin:/bin" "HOME=/nonexistent" "LD_LIBRARY_PATH=/nonexistent-nxesc/lib" \
        "LD_BIND_NOW=1" "TMPDIR=/var/tmp/nxesc tmp" "LOCPATH=/nonexistent-nxesc" "GCONV_PATH=/nonexistent-nxesc" \
        "HOSTALIASES=/nonexistent-nxesc" "RES_OPTIONS=ndots:3" "NLSPATH=/x/%N" "TZDIR=/nonexistent-nxesc" \
        "MALLOC_ARENA_MAX=2" "GLIBC_TUNABLES=glibc.malloc.arena_max=2" "SWIFT_DETERMINISTIC_HASHING=1" \
        "SWIFT_BACKTRACE=enable=yes" "$long_name=long" "NETNS_EXEC=forged" "EMPTY=" "EQ=a=b=c" \
        "SPACES=a  b " "XDG_CONFIG_HOME=/nonexistent-nxesc/cfg" "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent-nxesc/bus" "NL=line1
line2" "UTF8=é" "DUP=1" "DUP=2" "NOEQUALS"
    printf 'BYTES=\377\376\0'
    printf '%s\0' "LAST=1"
} >"$envfile"
chmod 0644 "$envfile"

outside "$ESC_PROC" execenv "$envfile" /usr/bin/env -0 >"$ESC_DIR/env.outside"
outside "$ESC_PROC" execenv "$envfile" "$ESC_LAUNCHER" "$ESC_JAIL" /usr/bin/env -0 >"$ESC_DIR/env.inside"
check_eq "the jailed command ran" 0 "$?"
# Expected: the caller's environment without its forged NETNS_EXEC, in the
# same order, then NETNS_EXEC=<jail> once; and, as the jail keeps its own
# state by default, without XDG_*_HOME and the bus address, and with the
# session bus disabled at the end (CallerEnvironment).
python3 -c '
import sys
entries = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
gone = (b"NETNS_EXEC=", b"XDG_CONFIG_HOME=", b"XDG_DATA_HOME=", b"XDG_STATE_HOME=",
        b"XDG_CACHE_HOME=", b"DBUS_SESSION_BUS_ADDRESS=", b"XDG_RUNTIME_DIR=")
kept = [e for e in entries if not e.startswith(gone)]
sys.stdout.buffer.write(b"".join(e + b"\0" for e in kept) + b"DBUS_SESSION_BUS_ADDRESS=disabled:\0"
                        + b"NETNS_EXEC=" + sys.argv[2].encode() + b"\0")
' "$ESC_DIR/env.outside" "$ESC_JAIL" >"$ESC_DIR/env.expected"
if cmp -s "$ESC_DIR/env.expected" "$ESC_DIR/env.inside"; then
    pass "the environment arrives byte for byte, apart from NETNS_EXEC and the per-jail state's variables"
else
    fail "the environment arrives byte for byte, apart from NETNS_EXEC and the per-jail state's variables"
    diff <(tr '\0' '\n' <"$ESC_DIR/env.expected") <(tr '\0' '\n' <"$ESC_DIR/env.inside") | head -n 20 | sed 's/^/       /'
fi
check_eq "the control run saw the caller's 29 entries" 29 "$(tr -cd '\0' <"$ESC_DIR/env.outside" | wc -c)"
check_eq "NETNS_EXEC appears once, naming the jail" "NETNS_EXEC=$ESC_JAIL" \
    "$(tr '\0' '\n' <"$ESC_DIR/env.inside" | grep '^NETNS_EXEC=')"

suite_end

#!/bin/bash
# End to end: the host's resolver directories do not come back into a
# running jail. nscd (like systemd-resolved and avahi) answers name lookups
# over a Unix socket from the host's network namespace, so a jailed lookup
# that reached it would leave through the host's uplink. Checks:
#  A. the host removes and re-creates /run/nscd (an nscd restart, a
#     tmpfiles run) while a jailed program runs: its next lookup still goes
#     to the VPN. Control: a mount covering /run/nscd, which is how the
#     launcher hid it before, is dropped by the kernel at that moment.
#  B. nscd starts only after the launch: still the VPN. Control: the same
#     lookup through `ip netns exec` goes to the host's nscd.
#  C. The host's nsswitch.conf sends host and user lookups to daemons
#     (`hosts: files ldap sss wins mdns4_minimal resolve dns`, `passwd:
#     files ldap sss winbind`), with a real nslcd (Debian's nslcd and
#     libnss-ldapd) running in the host's network namespace: a jailed host
#     lookup is answered by the VPN's DNS and a user lookup stays local;
#     nslcd sees neither, and the jail's nsswitch.conf names only files
#     and dns. Control: the same lookups through `ip netns exec` (the
#     host's nsswitch.conf, as the launcher used it before) reach nslcd.
# The suite has a /run of its own (a tmpfs in its private mount namespace),
# so it can remove and re-create /run/nscd as a host does, and the
# machine's /run is never touched.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
topo_suite_begin "EndToEnd/15 resolver directories the host replaces" nxe2r "$0" "$@"
require_cmd nslcd

mount -t tmpfs -o mode=0755,size=16m nxe2r-run /run || { fail "a private /run"; suite_end; }
install -d -m 0755 /run/nscd /run/wireguard
JAIL=nxe2r_jail IFC=nxe2r0 USR=nxe2r_user
tag=$$$RANDOM

topo_jail_prepare "$JAIL" "$IFC"
topo_jail_up "$JAIL" "$IFC" >"$TOPO_DIR/up.out" 2>&1
[ -e "/run/netns/$JAIL" ] || { fail "netns-jail up"; cat "$TOPO_DIR/up.out"; suite_end; }
topo_jail_user "$USR" "$JAIL $USR require=$IFC"
launcher=$TOPO_LAUNCHER
work=$TOPO_DIR/w
install -d -m 0777 "$work"

# A jailed program that waits for $work/go-NAME, then lists /run/nscd and
# looks a name up. Bounded: 20 s.
waiter='i=0; : >"$1/$2.started"
while [ ! -e "$1/go-$2" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
ls -A /run/nscd >"$1/$2.ls" 2>&1; getent ahostsv4 "$2-$3.test" >"$1/$2.lookup"'
start_waiter() {
    host_run_bg "$1_pid" "$work/$1.out" "$USR" "$launcher" "$JAIL" sh -c "$waiter" waiter "$work" "$1" "$tag"
    wait_for 10 test -e "$work/$1.started" || fail "$1 did not start"
}
restart_nscd() {
    kill_pid "$TOPO_NSCD_PID"
    rm -rf /run/nscd
    [ "${1:-}" = later ] && return 0
    install -d -m 0755 /run/nscd
    topo_host_resolver "$TOPO_DIR" || fail "nscd did not start again"
}
vpn_answered() {
    check_eq "$1: the jailed lookup is answered by the VPN's DNS" "$TOPO_VPN_ANSWER" \
        "$(awk 'NR==1{print $1}' "$work/$2.lookup" 2>/dev/null)"
    check_not_contains "$1: the host's DNS never saw it" "$2-$tag" "$(cat "$TOPO_DIR/host-dns.log")"
    check_contains "$1: the jail has no /run/nscd" "No such file" "$(cat "$work/$2.ls" 2>&1)"
}

# --- A. /run/nscd removed and re-created while the jailed program runs -------
start_waiter a
# Control: the old way, a read-only tmpfs over /run/nscd in a mount
# namespace of its own, set up before the host's change.
unshare -m sh -c 'mount -t tmpfs -o ro,size=4k nxe2r-mask /run/nscd || exit 1
    : >"$1/ctl.masked"; i=0
    while [ ! -e "$1/go-a" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
    ls -A /run/nscd >"$1/ctl.ls"' ctl "$work" &
ctl_pid=$!
on_exit "kill_pid $ctl_pid"
wait_for 10 test -e "$work/ctl.masked" || fail "control mask not in place"
restart_nscd
touch "$work/go-a"
wait_for 20 test ! -d "/proc/$a_pid"
wait_for 5 test ! -d "/proc/$ctl_pid"
check_contains "control: the kernel dropped a mount covering /run/nscd when the host re-created it" \
    socket "$(cat "$work/ctl.ls" 2>&1)"
vpn_answered "A (re-created while running)" a

# --- B. nscd started after the launch ---------------------------------------
restart_nscd later
start_waiter b
install -d -m 0755 /run/nscd
topo_host_resolver "$TOPO_DIR" || fail "nscd did not start again"
ctl=$(in_ns "$TOPO_HOST" ip netns exec "$JAIL" "$AS_USER" "$USR" \
    getent ahostsv4 "b-ctl-$tag.test" | awk 'NR==1{print $1}')
check_eq "control: the same lookup through ip netns exec reaches the host's new nscd" "$TOPO_HOST_ANSWER" "$ctl"
touch "$work/go-b"
wait_for 20 test ! -d "/proc/$b_pid"
vpn_answered "B (nscd started after the launch)" b

# --- C. NSS modules that ask a daemon outside the jail -------------------------
# nscd goes, so that the C library's own path (nsswitch.conf) is what is
# shown; the host's nsswitch.conf in our sandboxed /etc names daemon-backed
# modules (those not installed here are skipped by the C library, as on a
# host that lacks them). nslcd asks an LDAP server that is not there, so it
# answers "unavailable" at once and the C library goes on to the next
# module; what counts is which names reached it (its debug log).
restart_nscd later
sed -i -e 's/^hosts:.*/hosts: files ldap sss wins mdns4_minimal resolve dns/' \
    -e 's/^passwd:.*/passwd: files ldap sss winbind/' -e 's/^group:.*/group: files ldap sss winbind/' /etc/nsswitch.conf
grep -q '^hosts: files ldap' /etc/nsswitch.conf || fail "the host's nsswitch.conf names ldap"
printf '%s\n' "uid nslcd" "gid nslcd" "uri ldap://$TOPO_HOST_DNS:389/" "base dc=example,dc=test" \
    "bind_timelimit 2" "reconnect_sleeptime 1" "reconnect_retrytime 1" >/etc/nslcd.conf
chgrp nslcd /etc/nslcd.conf && chmod 0640 /etc/nslcd.conf
install -d -m 0755 -o nslcd -g nslcd /run/nslcd
nsenter --net="/run/netns/$TOPO_HOST" -- nslcd -d >"$TOPO_DIR/nslcd.log" 2>&1 &
nslcd_pid=$!
on_exit "kill_pid $nslcd_pid"
wait_for 5 test -S /run/nslcd/socket || fail "nslcd did not start"
nslcd_saw() { grep -F "<$1=\"$2\">" "$TOPO_DIR/nslcd.log" >/dev/null; }

in_ns "$TOPO_HOST" ip netns exec "$JAIL" "$AS_USER" "$USR" getent ahostsv4 "c-ctl-$tag.test" >/dev/null
check "control: through ip netns exec (the host's nsswitch.conf) a host lookup reaches nslcd" \
    nslcd_saw host "c-ctl-$tag.test"
in_ns "$TOPO_HOST" ip netns exec "$JAIL" "$AS_USER" "$USR" getent passwd "c-ctl-$tag" >/dev/null
check "control: and so does a user lookup" nslcd_saw passwd "c-ctl-$tag"

answer=$(host_run "$USR" "$launcher" "$JAIL" getent ahostsv4 "c-$tag.test" | awk 'NR==1{print $1}')
check_eq "C (daemon modules in the host's nsswitch.conf): the jailed lookup is answered by the VPN's DNS" \
    "$TOPO_VPN_ANSWER" "$answer"
check "C: nslcd never saw the jailed host lookup" test -z "$(nslcd_saw host "c-$tag.test" && echo seen)"
check_not_contains "C: the host's DNS never saw it" "c-$tag" "$(cat "$TOPO_DIR/host-dns.log")"
host_run "$USR" "$launcher" "$JAIL" getent passwd "c-$tag" >/dev/null
check "C: nslcd never saw the jailed user lookup" test -z "$(nslcd_saw passwd "c-$tag" && echo seen)"
check_eq "C: the jailed user's own name still resolves (from /etc/passwd)" "$USR" \
    "$(host_run "$USR" "$launcher" "$JAIL" id -un)"
jail_nss=$(host_run "$USR" "$launcher" "$JAIL" cat /etc/nsswitch.conf)
check_eq "C: the jail's nsswitch.conf names no module but files and dns" "" \
    "$(awk '!/^#/ && NF { for (i = 2; i <= NF; i++) if ($i != "files" && $i != "dns") print $1, $i }' <<<"$jail_nss")"
check_contains "C: and asks the jail's DNS for host names only" "hosts:      files dns" "$jail_nss"

topo_suite_end

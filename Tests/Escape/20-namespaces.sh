#!/bin/bash
# Escape matrix, part 2: leaving the network namespace. setns to
# /proc/1/ns/net and to a namespace descriptor the caller passes in,
# unshare(CLONE_NEWNET) followed by an attempt to reach the host, and
# re-running netns-exec from inside the jail.
cd "$(dirname "$0")/../.." || exit 1
. Tests/lib/testlib.sh
. Tests/Escape/helpers/escape-lib.bash

suite_begin "escape: leaving the network namespace"
escape_setup
JAIL_NS=$(jail_netns_id)
HOST_NS=$(host_netns_id)

# --- setns to init's namespace --------------------------------------------
# The path is guarded before setns is reached: opening another user's
# namespace file needs ptrace-read access to it, which the user lacks, so
# the jail's /proc (hidepid=ptraceable) does not even list PID 1.
check_eq "open /proc/1/ns/net from the jail: ENOENT (not in the jail's /proc)" "open:ENOENT" \
    "$(jailed "$ESC_TRY" x64 setns-path /proc/1/ns/net)"

# --- setns to a descriptor the caller holds -------------------------------
# Root opens the host namespace and the user inherits it (as a careless
# caller might); netns-exec passes the caller's descriptors on unchanged,
# so the jailed program really holds it, and only setns stands in the way.
held=$( exec 7<"/run/netns/$ESC_HOST"; jailed "$ESC_PROC" fds | awk '$1 == 7 { print $2 }' )
check_eq "the caller's namespace descriptor reaches the jailed program" "/run/netns/$ESC_HOST" "$held"
for abi in x64 i386 x32; do
    got=$( exec 7<"/run/netns/$ESC_HOST"; jailed "$ESC_TRY" "$abi" setns-fd 7 )
    check_eq "$abi setns(passed host namespace fd): EPERM, still in the jail" "EPERM $JAIL_NS" "$got"
done

# --- unshare, then try to reach the host ------------------------------------
# A victim in the host namespace listens on 127.0.0.1. From the host it is
# reachable (control); from the jail it must not be, with or without a new
# namespace. Under userns=deny the filter refuses the unshare; by default
# (user namespaces allowed, for the sandboxes of browsers) the program gets
# CAP_SYS_ADMIN over a new user namespace and a new, empty network
# namespace, from which the host is no nearer than from the jail.
outside_bg "$ESC_PROC" hold 60 >"$ESC_DIR/hold.out"
holder=$!
on_exit "kill_pid $holder"
wait_for 5 test -s "$ESC_DIR/hold.out" || fail "victim did not start"
read -r _ _ _ port <"$ESC_DIR/hold.out"
check_eq "control: the host's listener is reachable from the host" ok "$(outside "$ESC_PROC" connect "$port")"
DENY_NS="net:[$(stat -L -c %i "/run/netns/$ESC_DENY")]"
for abi in x64 i386; do
    check_eq "$abi unshare(CLONE_NEWNET) under userns=deny: EPERM" EPERM "$(jailed_deny "$ESC_TRY" "$abi" unshare-net)"
    check_eq "$abi unshare(CLONE_NEWUSER|CLONE_NEWNET) under userns=deny: EPERM, still in the jail" "EPERM $DENY_NS" \
        "$(jailed_deny "$ESC_TRY" "$abi" unshare-usernet)"
    got=$(jailed "$ESC_TRY" "$abi" unshare-usernet)
    check_contains "$abi unshare(CLONE_NEWUSER|CLONE_NEWNET) by default: made" "ok net:[" "$got"
    check "$abi the new network namespace is neither the jail's nor the host's" \
        test "${got#ok }" != "$JAIL_NS" -a "${got#ok }" != "$HOST_NS"
done
after=$(jailed_deny /bin/sh -c '"$1" x64 unshare-usernet >/dev/null; "$2" connect "$3"' _ "$ESC_TRY" "$ESC_PROC" "$port")
check_eq "after the unshare attempt under userns=deny, the host's 127.0.0.1:$port is unreachable from the jail" ENETUNREACH "$after"
check_eq "by default, from a new user and network namespace the host's 127.0.0.1:$port is unreachable" ENETUNREACH \
    "$(jailed unshare -rn "$ESC_PROC" connect "$port")"
check_eq "nor with its loopback up" ECONNREFUSED \
    "$(jailed unshare -rn sh -c '/sbin/ip link set lo up && exec "$0" connect "$1"' "$ESC_PROC" "$port")"
check_eq "and from the jail itself: unreachable" ENETUNREACH "$(jailed "$ESC_PROC" connect "$port")"

# --- netns-exec again, from inside the jail ----------------------------------
# no_new_privs is set in the jail, so execve does not grant the launcher's
# file capability: it must refuse cleanly (125, one line) even for a
# namespace the policy lets the user into, here the host's own.
run_nested() {
    jailed /bin/sh -c '"$@" 2>&1; echo "status=$?"' _ "$ESC_LAUNCHER" "$1" /usr/bin/readlink /proc/self/ns/net
}
out=$(run_nested "$ESC_HOST")
check_eq "nested netns-exec into an allowed namespace: exit 125" "status=125" "$(printf '%s\n' "$out" | tail -n 1)"
check_contains "nested netns-exec says it lacks CAP_SYS_ADMIN" "netns-exec: netns-exec lacks CAP_SYS_ADMIN" "$out"
check_not_contains "nested netns-exec never ran its command in the host namespace" "$HOST_NS" "$out"
check_eq "nested refusal is one line" 2 "$(printf '%s\n' "$out" | wc -l)"
out=$(run_nested "$ESC_OTHER")
check_eq "nested netns-exec into a forbidden namespace: exit 125" "status=125" "$(printf '%s\n' "$out" | tail -n 1)"
check_contains "nested netns-exec names the policy refusal" "may not enter $ESC_OTHER" "$out"
# Control: the same launcher from the host does enter an allowed namespace.
check_eq "control: netns-exec from the host enters the jail" "$JAIL_NS" \
    "$(outside "$ESC_LAUNCHER" "$ESC_JAIL" /usr/bin/readlink /proc/self/ns/net)"

suite_end

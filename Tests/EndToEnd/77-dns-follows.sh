#!/bin/bash
# End to end, part 7d: programs already running in a jail follow its
# resolvers (issue 25). The jail's /etc/resolv.conf, in the launcher's /etc
# overlay, is a link to /run/netns-jail/NAME/resolv.conf, which netns-jail
# replaces by rename whenever the resolvers change; glibc reads it again
# when it changes.
#  1. A jailed lookup loop (the test user, through the launcher) runs on
#     server 1 of a pool (Tests/lib/pools.sh; each server's DNS answers
#     every *.test name with an address of its own): `up --server` moves
#     the jail to server 2 and the same process is then answered by server
#     2's resolver; a live edit of server 2's DNS line (to a second
#     resolver on server 2) reaches it too, and never the host's DNS.
#  2. Inside the jail, the link and its file are root's: the test user can
#     neither write the file, nor replace the link, nor add to or rename in
#     the file's directory.
#  Control: a program launched while the live file is absent gets the copy
#  the launcher made before (the old behaviour, which it keeps for a
#  directory netns-jail did not write): after the switch it is never
#  answered by server 2's resolver. The jail runs without a supervisor, so
#  nothing writes the live file back until `up` does.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/pools.sh"
topo_suite_begin "EndToEnd/77 DNS follows running programs" nxe7d "$0" "$@"

JAIL=nxe7d_jail IFC=nxe7d0 USR=nxe7d_user
LIVE=/run/netns-jail/$JAIL/resolv.conf
work=$TOPO_DIR/p
install -d -m 0755 "$work"
quiet() { "$@" >/dev/null 2>&1; }

topo_jail_prepare "$JAIL" "$IFC"
topo_jail_user "$USR" "$JAIL $USR"
pool_build "$work" || { fail "the three provider servers could not be built"; topo_suite_end; }
S1=$work/server-1.conf S2=$work/server-2.conf
# A second resolver on server 2 (reached through its tunnel), for the live edit.
EDIT_DNS=198.51.100.70 EDIT_ANSWER=203.0.113.57
ip -n "$(pool_ns 2)" addr add "$EDIT_DNS/32" dev "${TOPO_NET%_net}_g2"
_topo_dnsmasq "$(pool_ns 2)" "$EDIT_DNS" "$EDIT_ANSWER" fd00:203::57 "$work/dns-edit.log" || fail "the second resolver on server 2"
(umask 077; printf '[%s]\ninterface = %s\nwireguard = %s %s\n' "$JAIL" "$IFC" "$S1" "$S2" >"$TOPO_JAIL_CONF")
out=$(topo_jail_up "$JAIL" "$IFC" --no-supervisor 2>&1)
check "up builds the jail on server 1" test $? -eq 0
check_eq "the live resolv.conf names server 1's resolver" "nameserver ${POOL_TUN_SERVER[1]}" "$(grep '^nameserver' "$LIVE" 2>&1)"
check_eq "it is root's, 0644" "0:0 644" "$(stat -c '%u:%g %a' "$LIVE" 2>&1)"
check_eq "in root's 0755 directory" "0:0 755" "$(stat -c '%u:%g %a' "/run/netns-jail/$JAIL" 2>&1)"

# lookups TAG: a jailed process (the test user, through the launcher) that
# looks up TAG-N.test every 0.3 s for at most 60 s, one line per lookup:
# "N ADDRESS" (or "N -" when none answered within a second: RES_OPTIONS
# makes it one try of one second, glibc's default being 5 s, twice).
# PID_TAG is the process itself (the launcher execs it), whose view of the
# jail's /etc is /proc/PID/root/etc.
lookups() {
    host_run_bg "PID_$1" "$work/$1.out" "$USR" "$TOPO_LAUNCHER" "$JAIL" env RES_OPTIONS="timeout:1 attempts:1" python3 -c '
import socket, sys, time, os
end = time.time() + 60
i = 0
while time.time() < end and not os.path.exists(sys.argv[2]):
    i += 1
    try: a = socket.getaddrinfo("%s-%d.test" % (sys.argv[1], i), 80, socket.AF_INET)[0][4][0]
    except OSError: a = "-"
    print(i, a, flush=True)
    time.sleep(0.3)
' "$1" "$work/stop"
}
answered() { # TAG ADDRESS: TAG's process got ADDRESS after line $N_TAG
    local n; n=$(eval echo "\${N_$1:-0}")
    awk -v n="$n" -v a="$2" '$1 > n && $2 == a' "$work/$1.out" | grep -q .
}
mark() { eval "N_$1=\$(tail -n 1 \"\$work/$1.out\" | cut -d' ' -f1)"; eval "N_$1=\${N_$1:-0}"; }

lookups live
check "a running jailed program is answered by server 1's resolver" wait_for 10 answered live "${POOL_ANSWER[1]}"
check_eq "its /etc/resolv.conf is the link to the live file" "$LIVE" "$(host_run "$USR" "$TOPO_LAUNCHER" "$JAIL" readlink /etc/resolv.conf 2>&1)"

# --- the control: a program launched while the live file is absent -----------------
mv "$LIVE" "$work/live-aside"
lookups copy
check "control: launched without the live file, it is answered by server 1's resolver too" wait_for 10 answered copy "${POOL_ANSWER[1]}"
check "control: its /etc/resolv.conf is a file (the copy), not a link" \
    sh -c "[ -z \"\$(\"\$0\" \"\$1\" \"\$2\" \"\$3\" readlink /etc/resolv.conf 2>/dev/null)\" ]" "$AS_USER" "$USR" "$TOPO_LAUNCHER" "$JAIL"
rm -f "$work/live-aside"
out=$(jail_cmd up "$JAIL" --no-supervisor 2>&1)
check_contains "up puts the live file back and says so" "repaired in $JAIL: $LIVE, which programs already running in the jail read, is missing" "$out"

# --- 1. a switch, then a live edit ----------------------------------------------------
mark live; mark copy
out=$(jail_cmd up "$JAIL" --server "$S2" --no-supervisor 2>&1)
check "up --server moves the jail to server 2" test $? -eq 0
check_eq "the live resolv.conf names server 2's resolver" "nameserver ${POOL_TUN_SERVER[2]}" "$(grep '^nameserver' "$LIVE" 2>&1)"
check "after the switch the same process is answered by server 2's resolver" wait_for 10 answered live "${POOL_ANSWER[2]}"
sleep 2
check "control: the program with the copy is never answered by server 2's resolver" sh -c "! awk -v n=$N_copy '\$1 > n && \$2 == \"${POOL_ANSWER[2]}\"' '$work/copy.out' | grep -q ."
check_eq "control: its /etc/resolv.conf still names server 1's resolver" "nameserver ${POOL_TUN_SERVER[1]}" "$(grep '^nameserver' "/proc/$PID_copy/root/etc/resolv.conf" 2>&1)"
check_eq "while the live one's names server 2's" "nameserver ${POOL_TUN_SERVER[2]}" "$(grep '^nameserver' "/proc/$PID_live/root/etc/resolv.conf" 2>&1)"

mark live
sed -i "s/^DNS = .*/DNS = $EDIT_DNS/" "$S2"
out=$(jail_cmd up "$JAIL" --no-supervisor 2>&1)
check "a live edit of server 2's DNS line: up applies it" test $? -eq 0
check "the same process is answered by the edited resolver" wait_for 10 answered live "$EDIT_ANSWER"
check "the edited resolver logged its lookups" grep -q "query\[A\] live-[0-9]*\.test from ${POOL_TUN_CLIENT[2]}" "$work/dns-edit.log"
check_not_contains "the host's DNS never saw a jailed lookup" "live-" "$(cat "$TOPO_DIR/host-dns.log")"

# --- 2. the file and the link are root's inside the jail ------------------------------
jailed_try() { host_run "$USR" "$TOPO_LAUNCHER" "$JAIL" sh -c "{ $1; } 2>/dev/null && echo done || echo refused"; }
check_eq "the test user cannot write the live file inside the jail" refused "$(jailed_try "echo nameserver 192.0.2.53 >>$LIVE")"
check_eq "nor replace the link" refused "$(jailed_try "ln -sf /tmp/x /etc/resolv.conf")"
check_eq "nor add a file beside the live file" refused "$(jailed_try "echo x >/run/netns-jail/$JAIL/new")"
check_eq "nor rename a file of its own over it" refused "$(jailed_try "t=\$(mktemp) && echo x >\$t && mv -f \$t $LIVE")"
check_eq "nameserver lines are still the edited one" "nameserver $EDIT_DNS" "$(grep '^nameserver' "$LIVE" 2>&1)"
check_eq "control: the test user can make and rename a file of its own (in /tmp)" done "$(jailed_try "t=\$(mktemp) && echo x >\$t && mv -f \$t \$t.2 && rm -f \$t.2")"
# A user namespace of its own (jails allow them) could let a jailed
# program cover the directory in a mount namespace of its own, which no
# other program uses; under Landlock (which forbids a sandboxed program
# every mount) it cannot even do that. Either way the others keep it.
covered=$(jailed_try "unshare -Urm --propagation unchanged sh -c 'mount -t tmpfs x /run/netns-jail && test ! -e $LIVE'")
echo "  note: a jailed program covering /run/netns-jail in a user and mount namespace of its own: $([ "$covered" = done ] && echo "it could, for itself" || echo "refused")"
mark live
check "after that, the running program is still answered by the edited resolver" wait_for 10 answered live "$EDIT_ANSWER"
check_eq "and a new launch still links to the live file" "nameserver $EDIT_DNS" "$(host_run "$USR" "$TOPO_LAUNCHER" "$JAIL" grep '^nameserver' /etc/resolv.conf 2>&1)"

touch "$work/stop"
quiet jail_cmd down "$JAIL"
check "down removes the live file and its directory" test ! -e "/run/netns-jail/$JAIL"
topo_suite_end

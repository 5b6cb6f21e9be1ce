#!/bin/bash
# End to end, part 7c: a pool whose servers do not all forward ports, and
# the syslog line of every switch (issue 25).
#  Three simulated provider servers (Tests/lib/pools.sh), listed 2, 3, 1,
#  with the provider's NAT-PMP server (Debian's miniupnpd) on server 1
#  only; servers 2 and 3 answer DNS but nothing on NAT-PMP's port.
#  0. control: without port-forward-required the jail stays on server 2,
#     the first, although it forwards no port; syslog holds no switch line
#     (the check below would fail without one).
#  1. with port-forward-required, servers 2 and 3 are skipped and the jail
#     settles on server 1: the hook gets server 1's port (argument), which
#     miniupnpd maps to server 1's tunnel address, and no other port;
#     status --json names each server's result and why it switched; each
#     switch is exactly one syslog line (daemon.info, tag netns-jail[PID])
#     naming both servers and the reason.
#  2. `up --server` by hand is one syslog line as well, from `up` itself.
# Syslog: every process of this suite's mount namespace (netns-jail `up`
# and the supervisor it starts) logs to /dev/log, which here is a socket
# the suite reads (pool_syslog).
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/pools.sh"
topo_suite_begin "EndToEnd/76 pool port forwarding" nxe7f "$0" "$@"
require_cmd miniupnpd socat

JAIL=nxe7f_jail IFC=nxe7f0 USR=nxe7f_user HOOKUSR=nxe7f_hook
FAIL_AFTER=6
work=$TOPO_DIR/p
install -d -m 0755 "$work"
quiet() { "$@" >/dev/null 2>&1; }
status_json() {
    jail_cmd status "$JAIL" --json 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)[0]
print(eval(sys.argv[1]))' "$1"
}
in_use() { status_json 'j["pool"]["inUse"]'; }

pool_syslog "$work/syslog" || { fail "no syslog socket for the suite"; topo_suite_end; }
topo_jail_prepare "$JAIL" "$IFC"
make_test_user "$HOOKUSR" || { fail "hook user"; topo_suite_end; }
topo_jail_user "$USR" "$JAIL $USR $HOOKUSR"
# The hook runs through the netns-exec beside netns-jail (EndToEnd/50).
install -m 0755 -o root -g root "$TOPO_JAIL_BIN" "$(dirname "$TOPO_LAUNCHER")/netns-jail"
TOPO_JAIL_BIN=$(dirname "$TOPO_LAUNCHER")/netns-jail
install -d -m 0700 -o "$HOOKUSR" "$work/hook"
cat >"$work/record-hook" <<EOF
#!/bin/sh
echo "arg=\$1" >>$work/hook/calls
EOF
chmod 0755 "$work/record-hook"

# The provider's NAT-PMP server, on server 1 only (vpnsrv, topology.sh).
# Its ports (1024-1033) are fixed: below every ephemeral range, in
# namespaces of this suite's own.
topo_natpmp_prepare || fail "the NAT-PMP server's address and nftables tables"
topo_natpmp_start "$work" 1024 || { fail "miniupnpd did not start"; topo_suite_end; }
pool_build "$work" || { fail "the three provider servers could not be built"; topo_suite_end; }
S1=$work/server-1.conf S2=$work/server-2.conf S3=$work/server-3.conf

write_pool_config() { # LINES...: the jail's section: servers 2, 3, 1 and port forwarding
    (umask 077; { printf '[%s]\ninterface = %s\nfail-after = %s\nwireguard = %s %s %s\n' "$JAIL" "$IFC" "$FAIL_AFTER" "$S2" "$S3" "$S1"
      printf 'port-forward = natpmp\nport-forward-hook = %s\nport-forward-user = %s\n' "$work/record-hook" "$HOOKUSR"
      printf '%s\n' "$@"; } >"$TOPO_JAIL_CONF")
}
# switch_lines FROM TO: the syslog lines saying the jail moved from FROM to TO.
switch_lines() { grep -F "netns-jail[" "$work/syslog" | grep -F "$JAIL: switched server from $1 to $2: "; }

# --- 0. control: port forwarding wanted, not required ----------------------------
write_pool_config
out=$(topo_jail_up "$JAIL" "$IFC" 2>&1)
check "up builds the pool's jail on server 2" test "$(in_use)" = "$S2"
pf_failed() { grep -q '^error=.' "/run/netns-jail/$JAIL.port-forward" 2>/dev/null; }
check "control: server 2's gateway forwards no port" wait_for 20 pf_failed
sleep "$FAIL_AFTER"
check_eq "control: without port-forward-required the jail stays on server 2" "$S2" "$(in_use)"
check "control: no port reached the hook" test ! -s "$work/hook/calls"
check_contains "control: status says port forwarding fails" "port forwarding has no live mapping (never mapped)" "$(jail_cmd status "$JAIL" 2>&1)"
check_eq "control: syslog holds no switch line (the switch check can fail)" "" "$(grep -F "switched server" "$work/syslog")"
check "control: but it holds the supervisor's lines" grep -q "netns-jail\[[0-9]*\]: supervising $JAIL " "$work/syslog"
quiet jail_cmd down "$JAIL"

# --- 1. port-forward-required ------------------------------------------------------
write_pool_config "port-forward-required = yes"
t0=$SECONDS
out=$(jail_cmd up "$JAIL" 2>&1)
check "up builds it again on server 2" test "$(in_use)" = "$S2"
check "port-forward-required: the jail moves on to server 1, the one that forwards" wait_for 60 sh -c "[ \"\$(\"\$0\" --config '$TOPO_JAIL_CONF' status '$JAIL' --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"pool\"][\"inUse\"])')\" = '$S1' ]" "$TOPO_JAIL_BIN"
echo "  settled on server 1 after $((SECONDS - t0)) s (two servers without NAT-PMP skipped)"
check "the hook got a port" wait_for 20 test -s "$work/hook/calls"
port=$(cat "/run/netns-jail/$JAIL.port" 2>/dev/null)
check "the port is one server 1's miniupnpd may map (1024-1033)" test "${port:-0}" -ge 1024 -a "${port:-0}" -le 1033
check_eq "the hook got that port, and only that one" "arg=$port" "$(sort -u "$work/hook/calls")"
check_contains "server 1's miniupnpd forwards it to server 1's tunnel address" "dnat ip to $TOPO_TUN_CLIENT:$port" "$(topo_natpmp_mappings)"
result_of() { status_json "[s[\"result\"] + \" \" + (s.get(\"detail\") or \"\") for s in j[\"pool\"][\"servers\"] if s[\"file\"] == \"$1\"][0]"; }
check_contains "status: server 2 failed, forwarding no port" "failed it forwards no port" "$(result_of "$S2")"
check_contains "status: server 3 failed, forwarding no port" "failed it forwards no port" "$(result_of "$S3")"
check_contains "status: why the last switch happened" "$S3 failed: it forwards no port" "$(status_json 'j["pool"]["reason"]')"
check "status: since when (an epoch time, not in the future)" test "$(status_json 'j["pool"]["since"]')" -le "$(date +%s)" -a "$(status_json 'j["pool"]["since"]')" -gt 0
check "status healthy on server 1" wait_for 10 quiet jail_cmd status "$JAIL"
check_eq "one syslog line for the switch from server 2 to 3" 1 "$(switch_lines "$S2" "$S3" | wc -l)"
check_eq "one syslog line for the switch from server 3 to 1" 1 "$(switch_lines "$S3" "$S1" | wc -l)"
check_eq "and no other switch line" 2 "$(grep -cF "switched server" "$work/syslog")"
check_contains "the line gives the reason" "$JAIL: switched server from $S2 to $S3: $S2 failed: it forwards no port" "$(switch_lines "$S2" "$S3")"
check_contains "the line is daemon.info (<30>) from the supervisor" "<30>" "$(switch_lines "$S3" "$S1" | head -n 1)"

# --- 2. by hand ------------------------------------------------------------------------
out=$(jail_cmd up "$JAIL" --server "$S3" 2>&1)
check "up --server moves it by hand" test $? -eq 0
check "one syslog line for the switch by hand, from up" wait_for 5 sh -c "[ \"\$(grep -F 'netns-jail[' '$work/syslog' | grep -cF '$JAIL: switched server from $S1 to $S3: chosen by hand (up --server)')\" = 1 ]"
quiet jail_cmd down "$JAIL"
topo_suite_end

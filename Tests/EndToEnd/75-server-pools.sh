#!/bin/bash
# End to end, part 7b: honest health and server pools (issue 25).
#  1. Honest health: the supervisor's probe (a DNS query through the
#     tunnel, every fail-after/5 s) makes `status` unhealthy within
#     fail-after (+ a bound) of the uplink's removal, saying why, and
#     healthy again once it returns. Control: at that moment the handshake
#     age alone still passes (the probe's line is the only problem, and the
#     last handshake is younger than handshake-age).
#  2. A pool of three servers (Tests/lib/pools.sh: real wireguard-go in
#     namespaces of their own, each with its own public address, tunnel
#     addresses and DNS): `up` takes the first; the server in use is killed
#     and the jail moves to the next within fail-after + a bound, in the
#     same namespace (inode) with the same kill switch, while a jailed
#     long-running client goes on: its new connections succeed after the
#     switch and none ever arrives from the host's address (IP server log)
#     and nothing but WireGuard leaves the host's uplink (capture).
#     `status --json` shows the servers, the one in use, since when and
#     why; `up --server FILE` moves it by hand; every server down: status
#     unhealthy saying so, no request gets out, and the jail recovers when
#     one returns. A malformed pool line fails `up` with one line and
#     changes nothing; an edit removing the server in use moves the jail
#     first; server-rotate moves it on schedule. Control: the capture does
#     see the host's own request.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/pools.sh"
topo_suite_begin "EndToEnd/75 server pools" nxe7p "$0" "$@"

JAIL=nxe7p_jail IFC=nxe7p0
FAIL_AFTER=6
work=$TOPO_DIR/p
install -d -m 0755 "$work"
quiet() { "$@" >/dev/null 2>&1; }
# The supervisor's syslog lines (pools.sh), shown when a time bound fails.
pool_syslog "$work/syslog" || { fail "no syslog socket for the suite"; topo_suite_end; }
show_syslog() { echo "  --- syslog since $1 (netns-jail)"; awk -v t="$1" '$3 >= t' "$work/syslog" | grep -F "netns-jail[" | sed 's/^/      /'; }

# status_json KEY-EXPRESSION: a value from `status --json` for the jail.
status_json() {
    jail_cmd status "$JAIL" --json 2>/dev/null | python3 -c '
import json, sys, time
j = json.load(sys.stdin)[0]
now = int(time.time())
print(eval(sys.argv[1]))' "$1"
}
# ms: milliseconds on the monotonic clock.
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# inspect_ms: how long one `status` of the jail takes here, in ms. It makes
# the inspection the supervisor makes every round (JailInspection: ip, nft
# and wg inside the jail, its processes), so the time bounds below count
# it: about 0.1 s on the host, seconds in a TCG guest, where every program
# started costs that much more (EndToEnd/README).
inspect_ms() { local t; t=$(ms); quiet jail_cmd status "$JAIL"; echo $(( $(ms) - t )); }

topo_jail_prepare "$JAIL" "$IFC"
printf 'fail-after = %s\n\n' "$FAIL_AFTER" >>"$TOPO_JAIL_CONF"

# --- 1. honest health ------------------------------------------------------------
out=$(topo_jail_up "$JAIL" "$IFC" 2>&1)
check "up builds the jail with its supervisor" test $? -eq 0
probe_answered() { [ "$(status_json 'j["probe"]["lastReply"]' 2>/dev/null)" -gt 0 ] 2>/dev/null; }
check "the probe answered through the tunnel" wait_for 15 probe_answered
quiet jail_cmd status "$JAIL"; check_eq "status exits 0 with the tunnel answering" 0 $?
# Unhealthy within fail-after + 3 s and two inspections: the supervisor
# round that sees the silence, and the status that reads it.
T=$(inspect_ms)
bound=$(( (FAIL_AFTER + 3) * 1000 + 2 * T ))

ip -n "$TOPO_HOST" link set "$TOPO_UPLINK" down
t0=$(ms) since=$(date +%T)
on_exit "ip -n $TOPO_HOST link set $TOPO_UPLINK up; ip -n $TOPO_HOST route replace default via $TOPO_ISP_ADDR"
detected=""
while [ $(( $(ms) - t0 )) -lt $(( bound + 10000 )) ]; do
    if ! quiet jail_cmd status "$JAIL"; then detected=$(( $(ms) - t0 )); break; fi
    sleep 0.25
done
echo "  uplink removed: status unhealthy after ${detected:-never} ms (fail-after ${FAIL_AFTER} s; bound $bound ms, one inspection $T ms)"
check "uplink removed: status unhealthy" test -n "$detected"
check "uplink removed: within fail-after + 3 s + two inspections" test "${detected:-999999}" -le "$bound"
[ "${detected:-999999}" -le "$bound" ] || show_syslog "$since"
st=$(jail_cmd status "$JAIL" 2>&1)
check_contains "status says why" "no reply through the tunnel from $TOPO_TUN_SERVER" "$st"
problems=$(status_json 'len(j["problems"])')
age=$(status_json 'now - j["peers"][0]["latestHandshake"]')
check_eq "control: the probe's is the only problem (handshake age alone would say healthy)" 1 "$problems"
check "control: the last handshake is younger than handshake-age ($age s)" test "$age" -lt 180

ip -n "$TOPO_HOST" link set "$TOPO_UPLINK" up
ip -n "$TOPO_HOST" route replace default via "$TOPO_ISP_ADDR"
t0=$(ms)
back=""
for _ in $(seq 1 $(( (FAIL_AFTER + 10) * 4 ))); do
    if quiet jail_cmd status "$JAIL"; then back=$(( $(ms) - t0 )); break; fi
    sleep 0.25
done
echo "  uplink back: status healthy after ${back:-never} ms"
check "uplink back: status healthy again" test -n "$back"

quiet jail_cmd down "$JAIL"
check "down removes the probe record" test ! -e "/run/netns-jail/$JAIL.probe"

# --- 2. a pool of three servers ------------------------------------------------------
pool_build "$work" || { fail "the three provider servers could not be built"; topo_suite_end; }
S1=$work/server-1.conf S2=$work/server-2.conf S3=$work/server-3.conf
write_pool_config() { # LINES...: the jail's section, with a pool
    (umask 077; { printf '[%s]\ninterface = %s\nfail-after = %s\n' "$JAIL" "$IFC" "$FAIL_AFTER"; printf '%s\n' "$@"; } >"$TOPO_JAIL_CONF")
}
write_pool_config "wireguard = $S1 $S2" "wireguard = $S3"
out=$(jail_cmd up "$JAIL" 2>&1)
check "up builds a pool's jail" test $? -eq 0
in_use() { status_json 'j["pool"]["inUse"]'; }
check_eq "up takes the first server (in-order)" "$S1" "$(in_use)"
check "status lists the three servers" test "$(status_json 'len(j["pool"]["servers"])')" = 3
ns_inode=$(stat -L -c %i "/run/netns/$JAIL")
ks_before=$(in_ns "$TOPO_HOST" ip netns exec "$JAIL" nft list table inet netns_jail 2>/dev/null | md5sum)

# A jailed long-running client: a request every 0.2 s, each a new
# connection, marked TAG-N, as long as $work/stop-TAG is absent (at most
# $3 s). Lines: "N HTTPCODE".
client='i=0; end=$(($(date +%s) + $3))
while [ ! -e "$1/stop-$2" ] && [ "$(date +%s)" -lt $end ]; do
  i=$((i+1)); echo "$i $(curl -s -m 1 -o /dev/null -w "%{http_code}" "http://'"$TOPO_WEB"'/$2-$i")"; sleep 0.2
done'
nsenter --net="/run/netns/$JAIL" -- sh -c "$client" client "$work" pool 600 >"$work/client.out" 2>&1 &
CLIENT=$!
on_exit "kill_pid $CLIENT"
check "the jailed client gets through on server 1" wait_for 10 grep -q ' 200$' "$work/client.out"

nsenter --net="/run/netns/$TOPO_HOST" -- tcpdump -n -i "$TOPO_UPLINK" -w "$work/uplink.pcap" -U 2>"$work/tcpdump.log" &
DUMP=$!
on_exit "kill_pid $DUMP"
wait_for 5 grep -q listening "$work/tcpdump.log"

sent_from() { # TAG: the sources the IP server saw for TAG, one per line, sorted unique
    awk -v t="/$1-" 'index($2, t) == 1 {print $1}' "$TOPO_DIR/web.log" | sort -u
}
# Moved within fail-after + 4 s and five inspections: the round that sees
# the silence (one), and the switch, which is `up` (one, and its repairs,
# about three more programs' worth).
T=$(inspect_ms)
bound=$(( (FAIL_AFTER + 4) * 1000 + 5 * T ))
pool_kill 1
t0=$(ms) since=$(date +%T)
moved=""
while [ $(( $(ms) - t0 )) -lt $(( bound + 15000 )) ]; do
    [ "$(in_use)" != "$S1" ] && { moved=$(( $(ms) - t0 )); break; }
    sleep 0.25
done
echo "  server 1 killed: the jail moved after ${moved:-never} ms (fail-after ${FAIL_AFTER} s; bound $bound ms, one inspection $T ms)"
check "server 1 killed: the jail moves to another server" test -n "$moved"
check "... within fail-after + 4 s + five inspections" test "${moved:-999999}" -le "$bound"
[ "${moved:-999999}" -le "$bound" ] || show_syslog "$since"
check_eq "... the next one in order" "$S2" "$(in_use)"
before=$(tail -n 1 "$work/client.out" | cut -d' ' -f1)
check "the jailed client's new connections succeed after the switch" wait_for 10 sh -c "awk -v n=$before '\$1 > n && \$2 == 200' '$work/client.out' | grep -q ."
first_ok=$(( $(ms) - t0 ))
echo "  failover: first successful jailed request ${first_ok} ms after server 1 died"
check "the jail kept its namespace" test "$(stat -L -c %i "/run/netns/$JAIL")" = "$ns_inode"
check_eq "the jail kept its kill switch" "$ks_before" "$(in_ns "$TOPO_HOST" ip netns exec "$JAIL" nft list table inet netns_jail 2>/dev/null | md5sum)"
check_contains "status says why it switched" "$S1 failed" "$(status_json 'j["pool"]["reason"]')"
check_eq "status: server 1's last result" failed "$(status_json '[s["result"] for s in j["pool"]["servers"] if s["file"].endswith("server-1.conf")][0]')"
check_eq "the tunnel's address is server 2's" "${POOL_TUN_CLIENT[2]}/32" "$(status_json '",".join(j["addresses"])')"
check_eq "the jail's resolv.conf names server 2's DNS" "${POOL_TUN_SERVER[2]}" "$(status_json '",".join(j["dns"])')"
check "status healthy on server 2" wait_for 10 quiet jail_cmd status "$JAIL"

out=$(jail_cmd up "$JAIL" --server "$S3" 2>&1)
check "up --server moves the jail by hand" test $? -eq 0
check_eq "... to server 3" "$S3" "$(in_use)"
check_contains "... saying so" "by hand" "$(status_json 'j["pool"]["reason"]')"
n=$(tail -n 1 "$work/client.out" | cut -d' ' -f1)
check "the jailed client gets through on server 3" wait_for 10 sh -c "awk -v n=$n '\$1 > n && \$2 == 200' '$work/client.out' | grep -q ."
check_refusal netns-jail 1 "up --server with a file outside the pool" "is not one of the servers" jail_cmd up "$JAIL" --server /etc/passwd

pool_kill 2; pool_kill 3
t0=$(ms)
closed=""
for _ in $(seq 1 $(( (FAIL_AFTER * 3 + 20) * 4 ))); do
    [ "$(status_json 'j["pool"]["allFailed"]' 2>/dev/null)" = True ] && { closed=$(( $(ms) - t0 )); break; }
    sleep 0.25
done
echo "  every server down: the pool failed after ${closed:-never} ms"
check "every server down: status says every server failed" test -n "$closed"
st=$(jail_cmd status "$JAIL" 2>&1); rc=$?
check_eq "every server down: status exits 1" 1 "$rc"
check_contains "... saying why" "every server of its pool failed" "$st"
n=$(tail -n 1 "$work/client.out" | cut -d' ' -f1)
sleep 2
check "every server down: no jailed request gets out" test -z "$(awk -v n="$n" '$1 > n && $2 == 200' "$work/client.out")"
pool_revive 2
t0=$(ms)
back=""
for _ in $(seq 1 $(( (FAIL_AFTER * 6 + 20) * 4 ))); do
    quiet jail_cmd status "$JAIL" && { back=$(( $(ms) - t0 )); break; }
    sleep 0.25
done
echo "  server 2 back: the jail healthy again after ${back:-never} ms"
check "server 2 back: the jail returns to service" test -n "$back"
check_eq "... on server 2" "$S2" "$(in_use)"
n=$(tail -n 1 "$work/client.out" | cut -d' ' -f1)
check "... and the jailed client gets through" wait_for 10 sh -c "awk -v n=$n '\$1 > n && \$2 == 200' '$work/client.out' | grep -q ."

# A malformed pool line: one line, nothing changed.
cp "$TOPO_JAIL_CONF" "$work/good.conf"
write_pool_config "wireguard = $S1 relative/server.conf" "wireguard = $S3"
check_refusal netns-jail 2 "a malformed pool line" "wireguard must be an absolute path" jail_cmd up "$JAIL"
check "... the pool's record still names server 2" grep -qx "active=$S2" "/run/netns-jail/$JAIL.pool"
check_contains "... and the tunnel still has its address" "${POOL_TUN_CLIENT[2]}/32" "$(ip -n "$JAIL" -4 -o addr show dev "$IFC" 2>&1)"
cp "$work/good.conf" "$TOPO_JAIL_CONF"
# A live edit removing the server in use: up moves the jail first.
pool_revive 1; pool_revive 3
write_pool_config "wireguard = $S1 $S3"
out=$(jail_cmd up "$JAIL" 2>&1)
check "an edit removing the server in use: up applies it" test $? -eq 0
check_eq "... and the jail moved to the first server left" "$S1" "$(in_use)"
check_eq "... whose address the tunnel has" "${POOL_TUN_CLIENT[1]}/32" "$(status_json '",".join(j["addresses"])')"
check "... in the same namespace" test "$(stat -L -c %i "/run/netns/$JAIL")" = "$ns_inode"
n=$(tail -n 1 "$work/client.out" | cut -d' ' -f1)
check "... and the jailed client gets through" wait_for 10 sh -c "awk -v n=$n '\$1 > n && \$2 == 200' '$work/client.out' | grep -q ."

# Rotation: server-rotate seconds on one server, then the next.
write_pool_config "wireguard = $S1 $S3" "server-rotate = 10"
t0=$(ms)
rotated=""
for _ in $(seq 1 $(( 30 * 4 ))); do
    [ "$(in_use)" = "$S3" ] && { rotated=$(( $(ms) - t0 )); break; }
    sleep 0.25
done
echo "  server-rotate = 10: the jail moved after ${rotated:-never} ms"
check "server-rotate: the jail moves to the next server on schedule" test -n "$rotated"
check_contains "... saying why" "rotation" "$(status_json 'j["pool"]["reason"]')"
n=$(tail -n 1 "$work/client.out" | cut -d' ' -f1)
check "... and the jailed client gets through" wait_for 10 sh -c "awk -v n=$n '\$1 > n && \$2 == 200' '$work/client.out' | grep -q ."

touch "$work/stop-pool"
wait_for 5 test ! -d "/proc/$CLIENT"
# The host's own request, during the capture: the control that it sees
# what leaves the uplink.
take_port CTRL_PORT "$TOPO_HOST"
in_ns "$TOPO_HOST" curl -s -m 2 --local-port "$CTRL_PORT" -o /dev/null "http://$TOPO_WEB/host-control"
sleep 1
kill_pid "$DUMP"; wait "$DUMP" 2>/dev/null
check_eq "no jailed request ever came from the host's address" "" "$(sent_from pool | grep -Fx "$TOPO_HOST_ADDR")"
check "jailed requests came from each server's public address" test "$(sent_from pool | wc -l)" -ge 3
others=$(tcpdump -n -r "$work/uplink.pcap" "ip and src host $TOPO_HOST_ADDR and not (udp port $TOPO_WG_PORT)" 2>/dev/null)
check_eq "the host sent nothing out of its uplink but WireGuard (and the control)" "" "$(printf '%s\n' "$others" | grep -v "\.$CTRL_PORT[ :]" | grep .)"
check_contains "control: the capture holds the host's own request" "$TOPO_HOST_ADDR.$CTRL_PORT > $TOPO_WEB" "$others"
quiet jail_cmd down "$JAIL"
check "down removes the pool's record" test ! -e "/run/netns-jail/$JAIL.pool"
topo_suite_end

#!/bin/bash
# End to end: OpenVPN jails (issue 24). Debian's openvpn is the simulated
# provider's server in vpnsrv (Tests/lib/openvpn.sh: keys and certificates
# made now with openssl, tls-crypt, a client certificate and a user name
# and password), over UDP (pushing IPv4, IPv6 and DNS) and over TCP (a
# "bare" server pushing neither IPv6 nor DNS). The jail is built by the
# real netns-jail from a provider-style .ovpn, and entered by the real
# launcher as an unprivileged user. Checks:
#  1. refusals first, each one line, nothing changed: an openvpn-auth file
#     readable by others, a missing .ovpn, a malformed one;
#  2. up over UDP: the hook, plugin and file-writing lines are ignored with
#     one warning each, the canary they name never runs and the files they
#     name are never written; OpenVPN reads only netns-jail's 0600 file and
#     runs as nobody; the jail holds lo and the tunnel only; jailed traffic
#     leaves as the provider (IPv4, IPv6); DNS goes to the pushed resolver
#     and never to the host's;
#  3. the kill switch: a jailed client polls while OpenVPN is SIGKILLed and
#     while the server is stopped: every request that arrives comes from
#     the provider's address, the supervisor brings OpenVPN back, the
#     client gets through again; the uplink capture holds nothing but
#     OpenVPN's own UDP (control: a host request in the same capture);
#  4. TCP with a server that pushes no DNS: up fails with one line and
#     leaves nothing; with `dns =` it comes up, over TCP, with no IPv6
#     address or route (none pushed), and its traffic leaves as the
#     provider;
#  5. down stops OpenVPN and removes its files.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/openvpn.sh"
topo_suite_begin "EndToEnd/70 OpenVPN jails" nxovp "$0" "$@"
require_cmd openvpn openssl

JAIL=nxovp_jail IFC=nxovp0 USR=nxovp_user JAIL2=nxovp_tcp IFC2=nxovp1
tag=$$$RANDOM
work=$TOPO_DIR/ovpn
install -d -m 0755 "$work"

topo_build "$TOPO_DIR" || { fail "topology could not be built"; topo_suite_end; }
topo_host_resolver "$TOPO_DIR" || { fail "host resolver (nscd) could not be started"; topo_suite_end; }
ovpn_pki "$TOPO_DIR" || { fail "test PKI (openssl)"; topo_suite_end; }
ovpn_server "$TOPO_DIR" udp "$TOPO_OVPN_UDP_PORT" || { fail "OpenVPN server (UDP)"; topo_suite_end; }
ovpn_server "$TOPO_DIR" tcp "$TOPO_OVPN_TCP_PORT" bare || { fail "OpenVPN server (TCP)"; topo_suite_end; }

OVPN=$TOPO_DIR/provider.ovpn AUTH=$TOPO_DIR/provider.auth CANARY=$TOPO_DIR/canary.sh
ovpn_client_config "$OVPN" "$CANARY" udp
ovpn_auth_file "$AUTH"
section() {  # NAME IFACE OVPN [EXTRA LINE]
    (umask 077; printf '[%s]\nopenvpn = %s\nopenvpn-auth = %s\ninterface = %s\n%s\n' "$1" "$3" "$AUTH" "$2" "${4:-}" >>"$TOPO_JAIL_CONF")
}
section "$JAIL" "$IFC" "$OVPN"
# ovpn_sweep NAME: cleanup only: the OpenVPN netns-jail recorded for NAME,
# if that PID still runs openvpn with NAME's file.
ovpn_sweep() {
    local pid
    pid=$(topo_record_pid "/run/netns-jail/$1.openvpn.pid")
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "openvpn --config /run/netns-jail/$1.openvpn.conf"; then
        kill_pid "$pid"
    fi
    rm -f /run/netns-jail/"$1".openvpn*
}
nothing_changed() {  # DESC NAME
    check "$1: no namespace" test ! -e "/run/netns/$2"
    check "$1: no /etc/netns/$2" test ! -e "/etc/netns/$2"
    check_eq "$1: no OpenVPN file, process record or push" "" "$(ls /run/netns-jail/"$2".openvpn.conf /run/netns-jail/"$2".openvpn.auth /run/netns-jail/"$2".openvpn.pid /run/netns-jail/"$2".openvpn-push 2>/dev/null)"
}

# --- 1. refusals ---------------------------------------------------------------
on_exit "ovpn_sweep $JAIL; topo_jail_sweep $JAIL $IFC"
chmod 0644 "$AUTH"
check_refusal netns-jail 2 "an openvpn-auth file readable by others" "run: chmod 0600 $AUTH" jail_cmd up "$JAIL"
nothing_changed "after the readable openvpn-auth" "$JAIL"
chmod 0600 "$AUTH"
mv "$OVPN" "$OVPN.away"
check_refusal netns-jail 2 "a missing .ovpn" "cannot open $OVPN" jail_cmd up "$JAIL"
nothing_changed "after the missing .ovpn" "$JAIL"
(umask 077; { cat "$OVPN.away"; printf 'dev tap\n'; } >"$OVPN")
check_refusal netns-jail 2 "a malformed .ovpn (dev tap)" "only tun devices are supported" jail_cmd up "$JAIL"
nothing_changed "after the malformed .ovpn" "$JAIL"
mv "$OVPN.away" "$OVPN"

# --- 2. up over UDP --------------------------------------------------------------
topo_jail_up "$JAIL" "$IFC" >"$TOPO_DIR/up.out" 2>&1
check "netns-jail up builds the OpenVPN jail" test $? -eq 0 -a -e "/run/netns/$JAIL"
[ -e "/run/netns/$JAIL" ] || { cat "$TOPO_DIR/up.out"; topo_suite_end; }
out=$(cat "$TOPO_DIR/up.out")
check_contains "up says the tunnel is OpenVPN" "$IFC (openvpn)" "$out"
for d in script-security up down route-up tls-verify ipchange learn-address plugin log status writepid management cd daemon setenv; do
    check_eq "one warning for the ignored '$d' line" 1 "$(grep -c "warning: $OVPN:[0-9]*: ignoring '$d'" <<<"$out")"
done
check_eq "no other warning" 0 "$(grep -v "ignoring '" <<<"$out" | grep -c warning)"
check "the canary named by route-up, tls-verify, ipchange, learn-address and plugin never ran" test ! -e "$CANARY.ran"
check_eq "no file named by log, status, writepid or management was written" "" "$(ls "$OVPN".written-* 2>/dev/null)"
conf=/run/netns-jail/$JAIL.openvpn.conf
check_eq "OpenVPN's file is root's and 0600" "root 600" "$(stat -c '%U %a' "$conf" 2>&1)"
check_not_contains "OpenVPN's file names no hook of the provider's" "update-resolv-conf" "$(cat "$conf")"
check_not_contains "OpenVPN's file names no canary" "$CANARY" "$(cat "$conf")"
check_not_contains "OpenVPN's file holds no password (OpenVPN 2.5 takes none inline)" "$TOPO_OVPN_PASS" "$(cat "$conf")"
check_contains "it names the password's own file" "auth-user-pass /run/netns-jail/$JAIL.openvpn.auth" "$(cat "$conf")"
check_eq "that file is root's and 0600" "root 600" "$(stat -c '%U %a' "/run/netns-jail/$JAIL.openvpn.auth" 2>&1)"
ovpn_pid=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
check_eq "OpenVPN runs as nobody after setup" nobody "$(ps -o user= -p "$ovpn_pid" 2>&1)"
check "OpenVPN's UDP socket is in the host's namespace" \
    test "$(in_ns "$TOPO_HOST" ss -uanpH | grep -c "pid=$ovpn_pid,")" -ge 1
check_eq "the jail holds lo and the tunnel only" "lo $IFC" "$(ip -n "$JAIL" -o link show | awk -F': ' '{print $2}' | sort | paste -sd' ')"

topo_jail_user "$USR" "$JAIL $USR require=$IFC"
launcher=$TOPO_LAUNCHER
jailed() { host_run "$USR" "$launcher" "$JAIL" "$@"; }
check_eq "jailed curl is seen as the provider (IPv4)" "$TOPO_VPN_PUBLIC" "$(jailed curl -sS -m 5 "http://$TOPO_WEB/o2-jail-$tag" 2>&1)"
check_eq "jailed curl is seen as the provider (IPv6)" "$TOPO_VPN_PUBLIC6" "$(jailed curl -sS -m 5 "http://[$TOPO_WEB6]/o2-jail6-$tag" 2>&1)"
check_eq "the host's own curl is seen as the host" "$TOPO_HOST_ADDR" "$(host_run "$USR" curl -sS -m 5 "http://$TOPO_WEB/o2-host-$tag" 2>&1)"
resolv=$(jailed cat /etc/resolv.conf)
check_contains "the jail's resolv.conf lists the pushed IPv4 resolver" "nameserver $TOPO_TUN_SERVER" "$resolv"
check_contains "the jail's resolv.conf lists the pushed IPv6 resolver" "nameserver $TOPO_TUN_SERVER6" "$resolv"
check_contains "the jail's resolv.conf has the pushed domain" "search vpn.test" "$resolv"
check_eq "a jailed lookup is answered by the provider's DNS" "$TOPO_VPN_ANSWER" \
    "$(jailed getent ahostsv4 "o2-jail-$tag.test" | awk 'NR==1{print $1}')"
check_contains "the provider's DNS logged the jail's query" "o2-jail-$tag.test" "$(cat "$TOPO_DIR/vpn-dns.log")"
check_not_contains "the host's DNS logged no query from the jail" "o2-jail" "$(cat "$TOPO_DIR/host-dns.log")"
jail_cmd status "$JAIL" >"$work/status.out" 2>&1
check "status calls the OpenVPN jail healthy" test $? -eq 0
check_contains "status names the tunnel OpenVPN" "$IFC up (openvpn" "$(cat "$work/status.out")"
grep -q problem "$work/status.out" && sed 's/^/       /' "$work/status.out"
jail_cmd verify "$JAIL" >"$work/verify.out" 2>&1
check "verify passes" test $? -eq 0 || sed 's/^/       /' "$work/verify.out"

# status shows the connection as it shows a WireGuard peer: OpenVPN's
# state, the server in use, the push, the last contact (the supervisor's
# record), the socket's bytes; asked over netns-jail's own management
# socket, which only root can reach.
sock=/run/netns-jail/openvpn/$JAIL.sock
check_contains "OpenVPN's file names netns-jail's management socket" "management $sock unix" "$(cat "$conf")"
check_contains "and admits root alone to it" "management-client-user root" "$(cat "$conf")"
check_eq "the socket's directory is root's and 0700" "root 700" "$(stat -c '%U %a' /run/netns-jail/openvpn 2>&1)"
unix_connect='import socket, sys
s = socket.socket(socket.AF_UNIX)
try: s.connect(sys.argv[1])
except OSError as e: print(e.strerror); sys.exit(1)
s.settimeout(3); print(s.recv(200).decode(errors="replace").split(" -- ")[0])'
check_contains "control: root reaches OpenVPN's management socket" ">INFO:OpenVPN Management Interface" "$(python3 -c "$unix_connect" "$sock" 2>&1)"
check_eq "the jail's user cannot reach it" "Permission denied" "$(as_user "$USR" python3 -c "$unix_connect" "$sock" 2>&1)"
check_eq "nobody (OpenVPN's own user) cannot reach it" "Permission denied" "$(as_user nobody python3 -c "$unix_connect" "$sock" 2>&1)"
contact() { jail_cmd status "$JAIL" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["openvpn"]["lastContact"] or "")'; }
for _ in $(seq 40); do [ -n "$(contact 2>/dev/null)" ] && break; sleep 0.25; done
jail_cmd status "$JAIL" >"$work/status.out" 2>&1
st=$(cat "$work/status.out")
check_contains "status: OpenVPN connected to the server in use, its protocol" "connected for" "$st"
check_contains "status: the server in use and its protocol" "to $TOPO_ISP_ADDR:$TOPO_OVPN_UDP_PORT (udp)" "$st"
check_contains "status: the pushed DNS" "DNS $TOPO_TUN_SERVER, $TOPO_TUN_SERVER6" "$st"
check "status: the last contact, seconds ago" grep -qE '^    contact: +[0-9]+ seconds ago' "$work/status.out"
check "status: the socket's bytes" grep -qE '^    transfer: +[1-9][0-9]* B received, [1-9][0-9]* B sent' "$work/status.out"
jail_cmd status "$JAIL" --json >"$work/status.json" 2>&1
check_eq "status --json: state, server, protocol, pushed addresses (2), DNS, contact within 10 s, bytes" \
    "CONNECTED $TOPO_ISP_ADDR:$TOPO_OVPN_UDP_PORT udp 2 $TOPO_TUN_SERVER,$TOPO_TUN_SERVER6 True True" \
    "$(python3 -c 'import json, sys, time
o = json.load(open(sys.argv[1]))[0]["openvpn"]
print(o["state"], o["server"], o["proto"], len(o["pushedAddresses"]), ",".join(o["pushedDNS"]),
      o["lastContact"] is not None and time.time() - o["lastContact"] < 10, o["rxBytes"] > 0 and o["txBytes"] > 0)' "$work/status.json" 2>&1)"

# --- 3. the kill switch ------------------------------------------------------------
nsenter --net="/run/netns/$TOPO_HOST" -- tcpdump -i "$TOPO_UPLINK" -n -U -Z root -w "$work/uplink.pcap" >"$work/tcpdump.out" 2>&1 &
tcpdump_pid=$!
on_exit "kill_pid $tcpdump_pid"
wait_for 10 grep -q "listening on" "$work/tcpdump.out" || { fail "tcpdump did not start"; topo_suite_end; }
take_ports CTL 10 "$TOPO_HOST" || { fail "no free ports for the control"; topo_suite_end; }
CTL_PORTS=$CTL-$((CTL + 9))
check_eq "control: the host's own request during the capture" "$TOPO_HOST_ADDR" \
    "$(host_run "$USR" curl -sS -m 5 --local-port "$CTL_PORTS" "http://$TOPO_WEB/o3-ctl-$tag" 2>&1)"
# One marked request every half second, at most 160, until $work/stop.
client='i=0; while [ $i -lt 160 ] && [ ! -e "$1/stop" ]; do i=$((i+1))
  if r=$(curl -sS -m 1 "http://$2/$3-$i" 2>&1); then echo "$i ok $r"; else echo "$i fail"; fi
  sleep 0.5; done'
host_run_bg client_pid "$work/client.log" "$USR" "$launcher" "$JAIL" sh -c "$client" client "$work" "$TOPO_WEB" "o3-$tag"
oks_after() { awk -v n="$1" '$1 > n && $2 == "ok"' "$work/client.log" | wc -l; }
last() { tail -n 1 "$work/client.log" | cut -d' ' -f1; }
wait_for 10 sh -c '[ "$(grep -c " ok " "$1")" -ge 2 ]' sh "$work/client.log"
check "the jailed client gets through before the cut" test "$(oks_after 0)" -ge 2

kill -KILL "$ovpn_pid"
cut1=$(last)
wait_for 5 sh -c '! kill -0 "$1" 2>/dev/null' sh "$ovpn_pid"
wait_for 40 sh -c 'p=$(sed -n "1s/ .*//p" "$1"); [ -n "$p" ] && [ "$p" != "$2" ] && kill -0 "$p" 2>/dev/null && ip -n "$3" link show "$4" >/dev/null 2>&1' \
    sh "/run/netns-jail/$JAIL.openvpn.pid" "$ovpn_pid" "$JAIL" "$IFC"
new_pid=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
check "the supervisor started a new OpenVPN after SIGKILL" test -n "$new_pid" -a "$new_pid" != "$ovpn_pid"
mark=$(last)
wait_for 20 sh -c '[ "$(awk -v n="$2" '"'"'$1 > n && $2 == "ok"'"'"' "$1" | wc -l)" -ge 1 ]' sh "$work/client.log" "$mark"
check "the jailed client gets through again after the repair" test "$(oks_after "$mark")" -ge 1

kill -STOP "$TOPO_OVPN_PID_udp"
cut2=$(last)
sleep 3
stopped=$(awk -v a="$cut2" '$1 > a + 1 && $2 == "ok"' "$work/client.log" | wc -l)
check_eq "no jailed request gets through while the server is stopped" 0 "$stopped"
kill -CONT "$TOPO_OVPN_PID_udp"
mark=$(last)
wait_for 30 sh -c '[ "$(awk -v n="$2" '"'"'$1 > n && $2 == "ok"'"'"' "$1" | wc -l)" -ge 1 ]' sh "$work/client.log" "$mark"
check "the jailed client gets through once the server answers again" test "$(oks_after "$mark")" -ge 1
touch "$work/stop"
wait_for 5 sh -c '! kill -0 "$1" 2>/dev/null' sh "$client_pid"
kill_pid "$tcpdump_pid"

marked=$(grep -E " /o3-$tag-" "$TOPO_DIR/web.log")
check "the IP server saw the client's requests" test -n "$marked"
check_eq "every marked request came from the provider's address" "" \
    "$(printf '%s\n' "$marked" | awk -v vpn="$TOPO_VPN_PUBLIC" 'NF && $1 != vpn')"
count() { tcpdump -r "$work/uplink.pcap" -n "$1" 2>/dev/null | wc -l; }
ovpn_udp="udp and host $TOPO_ISP_ADDR and port $TOPO_OVPN_UDP_PORT"
control="tcp and host $TOPO_HOST_ADDR and portrange $CTL_PORTS"
check "control: the capture holds the host's plain HTTP request" test "$(count "$control and dst port 80")" -gt 0
check "the capture holds OpenVPN's encrypted UDP" test "$(count "$ovpn_udp")" -gt 0
check_eq "no packet carries a tunnel address in the clear" 0 "$(count "net 198.51.100.0/24 or net fd00:5e::/64")"
unreach="icmp and icmp[icmptype] == icmp-unreach and dst host $TOPO_ISP_ADDR"
others="not ($ovpn_udp) and not ($control) and not arp and not ($unreach) and not (ip6 and (icmp6 or multicast))"
check_eq "no packet other than OpenVPN's, the control and link chatter" 0 "$(count "$others")"
[ "$(count "$others")" -eq 0 ] || tcpdump -r "$work/uplink.pcap" -n -v "$others" 2>/dev/null | head -n 20 | sed 's/^/       /'

# --- 4. TCP, no DNS and no IPv6 pushed ------------------------------------------------
OVPN2=$TOPO_DIR/provider-tcp.ovpn
ovpn_client_config "$OVPN2" "$CANARY" tcp
section "$JAIL2" "$IFC2" "$OVPN2"
on_exit "ovpn_sweep $JAIL2; topo_jail_sweep $JAIL2 $IFC2"
err=$(jail_cmd up "$JAIL2" --no-supervisor 2>&1 >/dev/null)
check "no DNS pushed and none named: up fails" test $? -ne 0
check_contains "no DNS pushed: the failure is up's last line, one line" "pushed no DNS server and [$JAIL2] names none" "$(printf '%s\n' "$err" | tail -n 1)"
check_eq "no DNS pushed: said once" 1 "$(printf '%s\n' "$err" | grep -c "pushed no DNS server")"
nothing_changed "after the refused TCP jail" "$JAIL2"
check_eq "no OpenVPN is left for $JAIL2" "" "$(pgrep -f "openvpn --config /run/netns-jail/$JAIL2.openvpn.conf")"
sed -i "/^\[$JAIL2\]/,\$d" "$TOPO_JAIL_CONF"
section "$JAIL2" "$IFC2" "$OVPN2" "dns = $TOPO_TUN_SERVER"
topo_jail_up "$JAIL2" "$IFC2" --no-supervisor >"$TOPO_DIR/up2.out" 2>&1
check "with dns = the TCP jail comes up" test $? -eq 0 -a -e "/run/netns/$JAIL2"
pid2=$(topo_record_pid "/run/netns-jail/$JAIL2.openvpn.pid")
check_eq "its OpenVPN talks TCP to the server" 1 \
    "$(in_ns "$TOPO_HOST" ss -tnpH state established dst "$TOPO_ISP_ADDR:$TOPO_OVPN_TCP_PORT" | grep -c "pid=$pid2,")"
check_eq "its resolv.conf names the section's resolver" "nameserver $TOPO_TUN_SERVER" "$(grep nameserver "/etc/netns/$JAIL2/resolv.conf")"
check_eq "no IPv6 pushed: no IPv6 route in the jail" "" "$(ip -n "$JAIL2" -6 route show 2>&1 | grep -v '^fe80')"
check_eq "no IPv6 pushed: no global IPv6 address" "" "$(ip -n "$JAIL2" -6 addr show scope global 2>&1)"
write_test_policy "$JAIL $USR require=$IFC
$JAIL2 $USR require=$IFC2"
check_eq "the TCP jail's curl is seen as the provider" "$TOPO_VPN_PUBLIC" \
    "$(host_run "$USR" "$launcher" "$JAIL2" curl -sS -m 5 "http://$TOPO_WEB/o4-$tag" 2>&1)"
check "the TCP jail's IPv6 request fails" test -z "$(host_run "$USR" "$launcher" "$JAIL2" curl -sS -m 3 "http://[$TOPO_WEB6]/o4-6-$tag" 2>/dev/null)"

# --- 5. down ---------------------------------------------------------------------------
pid1=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
jail_cmd down "$JAIL" >"$work/down.out" 2>&1
check "down succeeds" test $? -eq 0
# Gone, or a zombie: the supervisor that started it stopped first, and
# the init of a container may not reap its orphans at once.
check "down stopped OpenVPN" sh -c 's=$(ps -o stat= -p "$1"); [ -z "$s" ] || [ "${s#Z}" != "$s" ]' sh "$pid1"
nothing_changed "after down" "$JAIL"
check_eq "down removed the management socket and the contact record" "" "$(ls "$sock" "/run/netns-jail/$JAIL.openvpn-contact" 2>/dev/null)"

# --- 6. no OpenVPN left behind ------------------------------------------------------------
# ovpn_count NAME (Tests/lib/openvpn.sh) counts the OpenVPN processes of
# a jail by scanning /proc for its file name.
# A control first: an openvpn started with the jail's file name but by no
# netns-jail (here an idle one, `dev null`, in a namespace of its own) is
# counted.
make_netns nxovp_leak
(umask 077; printf 'dev null\nverb 1\n' >"/run/netns-jail/$JAIL.openvpn.conf")
ip netns exec nxovp_leak openvpn --config "/run/netns-jail/$JAIL.openvpn.conf" >/dev/null 2>&1 &
stray=$!
on_exit "kill_pid $stray"
wait_for 5 sh -c 'tr "\0" " " <"/proc/$1/cmdline" | grep -q "^openvpn --config"' sh "$stray"
check_eq "control: the count finds an openvpn nothing recorded" 1 "$(ovpn_count "$JAIL")"
kill_pid "$stray"
rm -f "/run/netns-jail/$JAIL.openvpn.conf"
check_eq "control: and 0 once it is stopped" 0 "$(ovpn_count "$JAIL")"

# Five up/down cycles with the supervisor: one OpenVPN while up (also
# after two supervisor rounds), none after down.
counts=""
for i in 1 2 3 4 5; do
    jail_cmd up "$JAIL" >"$work/cycle-$i.out" 2>&1 || { sed 's/^/       /' "$work/cycle-$i.out"; }
    counts="$counts $(ovpn_count "$JAIL")"
    sleep 2
    counts="$counts $(ovpn_count "$JAIL")"
    jail_cmd down "$JAIL" >>"$work/cycle-$i.out" 2>&1
    counts="$counts $(ovpn_count "$JAIL")/"
done
check_eq "five up/down cycles: one OpenVPN while up, none after down" " 1 1 0/ 1 1 0/ 1 1 0/ 1 1 0/ 1 1 0/" "$counts"

# up SIGKILLed after each step that has OpenVPN in play; then down, or up
# then down. Started held and unrecorded (openvpn-started), the process
# must end by itself; recorded, down or the next up must find it. No
# supervisor: it would repair the half-built jail with an OpenVPN of its
# own (recorded, and found by the next up as well).
up_stopped() {  # STEP: sets UP_PID; fails when up did not stop within 20 s
    NETNS_JAIL_STOP_AFTER=$1 nsenter --net="/run/netns/$TOPO_HOST" -- \
        "$TOPO_JAIL_BIN" --config "$TOPO_JAIL_CONF" up "$JAIL" --no-supervisor >"$work/up-$1.out" 2>&1 &
    UP_PID=$!
    on_exit "kill -9 $UP_PID"
    wait_for 20 grep -q '^State:.*T' "/proc/$UP_PID/status"
}
for step in openvpn-started tunnel-created tunnel-moved routes; do
    if ! up_stopped "$step"; then fail "up did not stop after $step"; sed 's/^/       /' "$work/up-$step.out"; kill -9 "$UP_PID"; continue; fi
    kill -9 "$UP_PID"; wait "$UP_PID" 2>/dev/null
    want=1; [ "$step" = openvpn-started ] && want=0
    for _ in $(seq 50); do [ "$(ovpn_count "$JAIL")" = "$want" ] && break; sleep 0.1; done
    check_eq "up killed after $step: $want OpenVPN" "$want" "$(ovpn_count "$JAIL")"
    if [ "$step" = tunnel-created ]; then
        jail_cmd down "$JAIL" >"$work/down-$step.out" 2>&1
        check_eq "up killed after $step, then down: no OpenVPN" 0 "$(ovpn_count "$JAIL")"
    fi
    jail_cmd up "$JAIL" >"$work/up2-$step.out" 2>&1
    check "up killed after $step: the next up converges" test $? -eq 0 || sed 's/^/       /' "$work/up2-$step.out"
    check_eq "up killed after $step, up again: one OpenVPN" 1 "$(ovpn_count "$JAIL")"
    jail_cmd down "$JAIL" >"$work/down2-$step.out" 2>&1
    check_eq "up killed after $step, up and down: no OpenVPN" 0 "$(ovpn_count "$JAIL")"
done
nothing_changed "after the kills and cycles" "$JAIL"

# --- 7. key, certificate and password files beside the .ovpn -------------------------------
# As providers ship them: `ca ca.crt`, `cert`, `key`, `tls-crypt` and
# `auth-user-pass provider.auth` next to the .ovpn. netns-jail reads them
# (root's, in root's directories, secrets 0600) and inlines them; OpenVPN
# gets no name of them. Each refusal is one line with the fix and changes
# nothing. ($JAIL is down here, so the UDP server sees one client.)
JAIL3=nxovp_files IFC3=nxovp2 P=$TOPO_DIR/prov
install -d -m 0755 "$P"
install -m 0644 "$TOPO_DIR/pki/ca.crt" "$P/ca.crt"
install -m 0644 "$TOPO_DIR/pki/client.crt" "$P/client.crt"
install -m 0600 "$TOPO_DIR/pki/client.key" "$P/client.key"
install -m 0600 "$TOPO_DIR/pki/tc.key" "$P/tc.key"
install -m 0600 "$AUTH" "$P/provider.auth"
OVPN3=$P/provider-files.ovpn
(umask 077; printf 'client\ndev tun\nproto udp\nremote %s %s\nremote-cert-tls server\nverify-x509-name test-server name\ncipher AES-256-GCM\nca ca.crt\ncert client.crt\nkey %s/client.key\ntls-crypt tc.key\nauth-user-pass provider.auth\n' \
    "$TOPO_ISP_ADDR" "$TOPO_OVPN_UDP_PORT" "$P" >"$OVPN3")
(umask 077; printf '[%s]\nopenvpn = %s\ninterface = %s\n' "$JAIL3" "$OVPN3" "$IFC3" >>"$TOPO_JAIL_CONF")
on_exit "ovpn_sweep $JAIL3; topo_jail_sweep $JAIL3 $IFC3"
refused3() {  # DESC WANT: up refuses in one line, nothing changed
    check_refusal netns-jail 2 "$1" "$2" jail_cmd up "$JAIL3" --no-supervisor
    nothing_changed "after: $1" "$JAIL3"
}
chmod 0644 "$P/client.key"
refused3 "a private key file readable by others" "$OVPN3:10: $P/client.key holds a secret key and is open to group or other; run: chmod 0600 $P/client.key"
chmod 0600 "$P/client.key"; chmod 0640 "$P/tc.key"
refused3 "a tls-crypt key file readable by its group" "run: chmod 0600 $P/tc.key"
chmod 0600 "$P/tc.key"; chown "$USR" "$P/ca.crt"
refused3 "a CA file owned by a user" "$OVPN3:8: $P/ca.crt is not owned by root; as root run: chown root:root $P/ca.crt"
chown root "$P/ca.crt"; chmod 0664 "$P/ca.crt"
refused3 "a CA file writable by its group" "$P/ca.crt is writable by group or other; as root run: chmod go-w $P/ca.crt"
chmod 0644 "$P/ca.crt"; chmod 0777 "$P"
refused3 "the files' directory writable by others" "directory $P is writable by group or other"
chmod 0755 "$P"; install -d -m 0755 -o "$USR" "$TOPO_DIR/userdir"
install -m 0644 "$P/ca.crt" "$TOPO_DIR/userdir/ca.crt"; mv "$P/ca.crt" "$P/ca.crt.away"; ln -s ../userdir/ca.crt "$P/ca.crt"
refused3 "a link to a CA file in a user's directory" "directory $TOPO_DIR/userdir is not owned by root"
rm "$P/ca.crt"; mv "$P/ca.crt.away" "$P/ca.crt"; mv "$P/client.crt" "$P/client.crt.away"
refused3 "a missing certificate file" "$P/client.crt does not exist"
mv "$P/client.crt.away" "$P/client.crt"; chmod 0644 "$P/provider.auth"
refused3 "a password file readable by others" "$P/provider.auth holds the VPN password and is open to group or other; run: chmod 0600 $P/provider.auth"
chmod 0600 "$P/provider.auth"; cp "$P/client.crt" "$P/client.crt.orig"; cp "$P/ca.crt" "$P/client.crt"
jail_cmd up "$JAIL3" --no-supervisor >"$work/up3-wrong.out" 2>&1
check "control: a wrong certificate in the named file fails up (the file is what OpenVPN uses)" test $? -ne 0
nothing_changed "after the wrong certificate" "$JAIL3"
mv "$P/client.crt.orig" "$P/client.crt"
jail_cmd up "$JAIL3" --no-supervisor >"$work/up3.out" 2>&1
check "up accepts the files beside the .ovpn and connects" test $? -eq 0 -a -e "/run/netns/$JAIL3" || sed 's/^/       /' "$work/up3.out"
conf3=$(cat "/run/netns-jail/$JAIL3.openvpn.conf" 2>&1)
check_not_contains "OpenVPN's file names none of the provider's files (its first comment names the .ovpn)" "$P" "$(sed 1d "/run/netns-jail/$JAIL3.openvpn.conf" 2>&1)"
for block in ca cert key tls-crypt; do
    check_contains "OpenVPN's file has the <$block> netns-jail read" "<$block>" "$conf3"
done
check_contains "OpenVPN's file names netns-jail's copy of the password" "auth-user-pass /run/netns-jail/$JAIL3.openvpn.auth" "$conf3"
check_eq "which holds what the provider's password file holds" "$(cat "$P/provider.auth")" "$(cat "/run/netns-jail/$JAIL3.openvpn.auth" 2>&1)"
check_contains "the jail has the pushed address" "198.51.100." "$(ip -n "$JAIL3" -4 -o addr show dev "$IFC3" 2>&1)"
jail_cmd down "$JAIL3" >/dev/null 2>&1
check_eq "down leaves no OpenVPN of the files jail" 0 "$(ovpn_count "$JAIL3")"

# --- 8. port forwarding over OpenVPN ----------------------------------------------------------
# The NAT-PMP server the WireGuard suite uses (miniupnpd, topology.sh) on
# the OpenVPN server's side of the tunnel (its tun device, ovsudp); the
# jail asks the gateway the server pushed, not a constant. The hook runs
# through the netns-exec beside netns-jail (the test build), as in
# EndToEnd/50, and gets the port; a peer in the internet reaches a jailed
# listener at the provider's address. Control: a port nothing mapped
# does not reach the same listener.
topo_natpmp_prepare || fail "the NAT-PMP server's address and nftables tables"
# The provider's ports 1024-1033: fixed, in vpnsrv and the jail, namespaces
# of this suite's own, below every ephemeral range.
topo_natpmp_start "$work" 1024 ovsudp || { fail "miniupnpd did not start"; tail -n 5 "$work/miniupnpd.log"; }
install -m 0755 -o root -g root "$TOPO_JAIL_BIN" "$(dirname "$launcher")/netns-jail"
TOPO_JAIL_BIN=$(dirname "$launcher")/netns-jail
install -d -m 0700 -o "$USR" "$work/pf"
printf '#!/bin/sh\n# The test hook: records what it got.\necho "arg=$1 env=$NETNS_JAIL_PORT jail=$NETNS_JAIL uid=$(id -u)" >>%s/pf/calls\n' "$work" >"$work/pf-hook"
chmod 0755 "$work/pf-hook"
# Appended to [$JAIL3], the file's last section.
printf 'port-forward = natpmp\nport-forward-hook = %s/pf-hook\nport-forward-user = %s\n' "$work" "$USR" >>"$TOPO_JAIL_CONF"
write_test_policy "$JAIL $USR require=$IFC
$JAIL2 $USR require=$IFC2
$JAIL3 $USR require=$IFC3"
jail_cmd up "$JAIL3" >"$work/up-pf.out" 2>&1
check "up builds an OpenVPN jail with port-forward = natpmp" test $? -eq 0 || sed 's/^/       /' "$work/up-pf.out"
gw=$(sed -n 's/^gateway4 //p' "/run/netns-jail/$JAIL3.openvpn-push" 2>/dev/null)
addr3=$(sed -n 's/^address4 \(.*\)\/.*/\1/p' "/run/netns-jail/$JAIL3.openvpn-push" 2>/dev/null)
check_eq "the gateway is the one the server pushed (its end of the tunnel)" "198.51.100.129" "$gw"
check "the supervisor writes the forwarded port" wait_for 20 test -s "/run/netns-jail/$JAIL3.port"
PF=$(cat "/run/netns-jail/$JAIL3.port" 2>/dev/null)
check "the port is one miniupnpd may map (1024-1033)" test "${PF:-0}" -ge 1024 -a "${PF:-0}" -le 1033
check_contains "miniupnpd forwards the port to the jail's pushed address" "dnat ip to $addr3:$PF" "$(topo_natpmp_mappings)"
check "the hook got the port, as port-forward-user" wait_for 10 grep -q "arg=$PF env=$PF jail=$JAIL3 uid=$(id -u "$USR")" "$work/pf/calls"
check_contains "status shows the forwarded port" "forwarded:   port $PF (UDP and TCP)" "$(jail_cmd status "$JAIL3" 2>&1)"
host_run_bg LPID "$work/listen-pf.out" "$USR" "$launcher" "$JAIL3" python3 -c '
import socket, sys, threading
def serve(port):
    t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("0.0.0.0", port)); t.listen()
    while True:
        c, _ = t.accept(); c.sendall(b"through-openvpn-%d" % port); c.close()
for p in sys.argv[1:]: threading.Thread(target=serve, args=(int(p),), daemon=True).start()
print("listening", flush=True)
threading.Event().wait()' "$PF" $((PF + 1))
wait_for 5 grep -q listening "$work/listen-pf.out"
peer_tcp() {
    in_ns "$TOPO_NET" python3 -c '
import socket, sys
try: print(socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).recv(100).decode())
except OSError as e: print("")' "$TOPO_VPN_PUBLIC" "$1"
}
check_eq "a peer reaches the jailed listener at the provider's address and the forwarded port" "through-openvpn-$PF" "$(peer_tcp "$PF")"
check_eq "control: a port nothing mapped does not reach the same listener" "" "$(peer_tcp $((PF + 1)))"
kill_pid "$LPID"
jail_cmd down "$JAIL3" >/dev/null 2>&1
check "the canary never ran, all along" test ! -e "$CANARY.ran"

topo_suite_end

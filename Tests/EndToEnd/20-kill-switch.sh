#!/bin/bash
# End to end, part 2: the kill switch (issue 3, check 3). A long-running
# jailed client asks the IP server for a marked URL once a second. The
# tunnel is removed twice over: with `ip link del` inside the jail, and
# (after the jail is rebuilt, with a second client) with `netns-jail down`.
# Afterwards:
#  - the IP server's log holds marked requests from the VPN's address only,
#    and none issued after the cut;
#  - every request the clients made after the cut failed, even once a veth
#    with a default route to the uplink is added to the dead jail, so that
#    only the kill switch holds (a namespace without one gets out that way);
#  - a capture on hostsim's uplink, which is the only way out of the
#    machine, holds no packet from the jail other than WireGuard's own UDP.
#    A host request made during the capture (from known ports) is the
#    control that shows the capture sees plain traffic.
# The jail runs without its supervisor (--no-supervisor), which would put
# the tunnel back; this suite is about what holds while it is gone.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
topo_suite_begin "EndToEnd/20 kill switch" nxe2b "$0" "$@"

JAIL=nxe2b_jail IFC=nxe2b0 USR=nxe2b_user
tag=$$$RANDOM
work=$TOPO_DIR/ks

topo_jail_prepare --no-resolver "$JAIL" "$IFC"
topo_jail_up "$JAIL" "$IFC" --no-supervisor >"$TOPO_DIR/up.out" 2>&1
check "netns-jail up builds the jail" test $? -eq 0 -a -e "/run/netns/$JAIL"
[ -e "/run/netns/$JAIL" ] || { cat "$TOPO_DIR/up.out"; suite_end; }

topo_jail_user "$USR" "$JAIL $USR"
launcher=$TOPO_LAUNCHER
install -d -m 0755 "$work"
# The control requests' own source ports (ten each, curl --local-port):
# below the ephemeral range, so no jailed or host client can use one, and
# the capture can tell them apart. The unprotected namespace's are free in
# hostsim too, which masquerades them unchanged.
take_ports CTL 10 "$TOPO_HOST" || { fail "no free ports for the control"; suite_end; }
take_ports OPEN 10 "$TOPO_HOST" nxe2b_open || { fail "no free ports for the unprotected namespace"; suite_end; }
CTL_PORTS=$CTL-$((CTL + 9)) OPEN_PORTS=$OPEN-$((OPEN + 9))

# The capture: everything on the uplink, from before the first jailed packet.
nsenter --net="/run/netns/$TOPO_HOST" -- tcpdump -i "$TOPO_UPLINK" -n -U -Z root -w "$work/uplink.pcap" \
    >"$work/tcpdump.out" 2>&1 &
tcpdump_pid=$!
on_exit "kill_pid $tcpdump_pid"
wait_for 10 grep -q "listening on" "$work/tcpdump.out" || { fail "tcpdump did not start"; suite_end; }
check_eq "control: the host's own request during the capture" "$TOPO_HOST_ADDR" \
    "$(host_run "$USR" curl -sS -m 5 --local-port "$CTL_PORTS" "http://$TOPO_WEB/ks-ctl-$tag" 2>&1)"

# client MARK: one marked request a second, at most 60, until $work/stop.
client='i=0; while [ $i -lt 60 ] && [ ! -e "$1/stop" ]; do i=$((i+1))
  if r=$(curl -sS -m 1 "http://$2/$3-$i" 2>&1); then echo "$i ok $r"; else echo "$i fail $r"; fi
  sleep 1; done'
start_client() {  # PIDVAR MARK
    host_run_bg "$1" "$work/$2.log" "$USR" "$launcher" "$JAIL" sh -c "$client" client "$work" "$TOPO_WEB" "$2-$tag"
}
oks() { grep -c " ok " "$work/$1.log" 2>/dev/null; }
last() { tail -n 1 "$work/$1.log" 2>/dev/null | cut -d' ' -f1; }
lines() { wc -l <"$work/$1.log"; }
# after_cut MARK CUT: the client's lines for requests begun after request
# CUT+1 (the one in flight at the cut may have got through legitimately).
after_cut() { awk -v c="$2" '$1 > c + 1' "$work/$1.log"; }
# (wait_for runs these again each time; a $(...) argument would not be.)
has_oks() { [ "$(oks "$1")" -ge "$2" ]; }
has_after_cut() { [ "$(after_cut "$1" "$2" | wc -l)" -ge "$3" ]; }

# --- cut 1: ip link del inside the jail ----------------------------------------
start_client c1 ks1
check "client 1 reaches the internet through the tunnel" wait_for 10 has_oks ks1 2
check_contains "client 1 is seen as the VPN" "ok $TOPO_VPN_PUBLIC" "$(cat "$work/ks1.log")"
wg_pid=$(topo_record_pid "/run/netns-jail/$JAIL.pid")
cut1=$(last ks1)
ip -n "$JAIL" link del "$IFC"
gone() { [ -n "$1" ] && [ ! -d "/proc/$1" ]; }
# Kernel WireGuard (the guest kernels) has no process; wireguard-go must
# not outlive its interface.
if [ "${NETNS_TEST_EXPECT_WG:-}" = kernel ]; then
    check_eq "kernel WireGuard: no wireguard-go was started" "" "$wg_pid"
else
    check "the tunnel's wireguard-go exits when its interface is deleted" wait_for 5 gone "$wg_pid"
fi
wait_for 10 has_after_cut ks1 "$cut1" 3
check_eq "after cut 1, client 1's requests fail" "" "$(after_cut ks1 "$cut1" | grep -v ' fail ')"
check "after cut 1, client 1 made at least 3 requests" test "$(after_cut ks1 "$cut1" | wc -l)" -ge 3
check "netns-jail verify reports the missing tunnel" test "$(jail_cmd verify "$JAIL" >/dev/null 2>&1; echo $?)" -ne 0

# --- the kill switch alone: a way out appears in the dead jail ---------------
# A veth from the jail to hostsim, a default route over it, and hostsim
# forwarding and masquerading it onto the uplink: now only the kill switch
# stands between client 1 and the host's address. The same path from a
# namespace without a kill switch (the control, from ports $OPEN_PORTS)
# does reach the internet, as the host.
way_out() {  # NS JAIL_SIDE HOST_SIDE SUBNET(3 octets) LAST_OCTET_BASE
    ip -n "$TOPO_HOST" link add "$3" type veth peer name "$2" netns "$1" || return 1
    on_exit "ip -n $TOPO_HOST link del $3"
    ip -n "$TOPO_HOST" addr add "192.0.2.$(($4 + 1))/30" dev "$3"
    ip -n "$TOPO_HOST" link set "$3" up
    ip -n "$1" addr add "192.0.2.$(($4 + 2))/30" dev "$2"
    ip -n "$1" link set "$2" up
    ip -n "$1" route replace default via "192.0.2.$(($4 + 1))"
}
in_ns "$TOPO_HOST" sysctl -qw net.ipv4.ip_forward=1
printf 'table ip nxe2b_nat {\n chain post {\n  type nat hook postrouting priority srcnat;\n  oifname "%s" ip saddr 192.0.2.240/29 masquerade\n }\n}\n' \
    "$TOPO_UPLINK" | in_ns "$TOPO_HOST" nft -f -
make_netns nxe2b_open && ip -n nxe2b_open link set lo up
way_out nxe2b_open nxe2b_ob nxe2b_oh 244
check_eq "control: a namespace without a kill switch gets out that way, as the host" "$TOPO_HOST_ADDR" \
    "$(in_ns nxe2b_open curl -sS -m 3 --local-port "$OPEN_PORTS" "http://$TOPO_WEB/ks-open-$tag" 2>&1)"
way_out "$JAIL" nxe2b_jb nxe2b_jh 240
outlet=$(last ks1)
wait_for 10 has_after_cut ks1 "$outlet" 3
check_eq "with a way out in the jail, client 1's requests still fail" "" "$(after_cut ks1 "$outlet" | grep -v ' fail ')"

# netns-jail down (client 1 still inside) and up again.
down=$(jail_cmd down "$JAIL" 2>&1)
check_contains "down names the client still inside" "$c1" "$down"
jail_cmd up "$JAIL" --no-supervisor >"$TOPO_DIR/up2.out" 2>&1
check "netns-jail up rebuilds the jail" test $? -eq 0

# --- cut 2: netns-jail down --------------------------------------------------
start_client c2 ks2
check "client 2 reaches the internet through the new tunnel" wait_for 10 has_oks ks2 2
before=$(lines ks1)
cut2=$(last ks2)
jail_cmd down "$JAIL" >"$TOPO_DIR/down2.out" 2>&1
check "netns-jail down with client 2 inside succeeds" test $? -eq 0
wait_for 10 has_after_cut ks2 "$cut2" 3
check_eq "after cut 2, client 2's requests fail" "" "$(after_cut ks2 "$cut2" | grep -v ' fail ')"
check "after cut 2, client 2 made at least 3 requests" test "$(after_cut ks2 "$cut2" | wc -l)" -ge 3
check "client 1 kept trying, in its orphaned namespace" test "$(lines ks1)" -gt "$before"
check_eq "client 1 never got through again" "" "$(after_cut ks1 "$cut1" | grep -v ' fail ')"

touch "$work/stop"
wait_for 5 gone "$c1" && wait_for 5 gone "$c2"
kill_pid "$tcpdump_pid"
wait_for 5 gone "$tcpdump_pid"

# --- what the IP server saw ----------------------------------------------------
marked=$(grep -E " /ks[12]-$tag-" "$TOPO_DIR/web.log")
check "the IP server saw the clients' requests before the cuts" test -n "$marked"
check_eq "every marked request came from the VPN's address" "" \
    "$(printf '%s\n' "$marked" | awk -v vpn="$TOPO_VPN_PUBLIC" 'NF && $1 != vpn')"
check_eq "no marked request after cut 1 reached the server" "" \
    "$(printf '%s\n' "$marked" | awk -v c="$cut1" -v m="/ks1-$tag-" 'index($2, m) == 1 && substr($2, length(m) + 1) + 0 > c + 1')"
check_eq "no marked request after cut 2 reached the server" "" \
    "$(printf '%s\n' "$marked" | awk -v c="$cut2" -v m="/ks2-$tag-" 'index($2, m) == 1 && substr($2, length(m) + 1) + 0 > c + 1')"

# --- what left through the uplink ------------------------------------------------
count() { tcpdump -r "$work/uplink.pcap" -n "$1" 2>/dev/null | wc -l; }
wg_udp="udp and host $TOPO_ISP_ADDR and port $TOPO_WG_PORT"
control="tcp and host $TOPO_HOST_ADDR and (portrange $CTL_PORTS or portrange $OPEN_PORTS)"
check "control: the capture holds the host's plain HTTP request" test "$(count "$control and dst port 80")" -gt 0
check "control: the capture holds the unprotected namespace's request" test "$(count "tcp and src portrange $OPEN_PORTS and dst port 80")" -gt 0
check "the capture holds the tunnel's encrypted UDP" test "$(count "$wg_udp")" -gt 0
check_eq "no packet carries a tunnel address in the clear" 0 \
    "$(count "net 198.51.100.0/24 or net fd00:5e::/64")"
# With kernel WireGuard the tunnel's UDP socket closes with its interface,
# and the host answers the VPN server's next packets with ICMP "port
# unreachable" (quoting that WireGuard packet): link chatter, not traffic.
wg_unreach="icmp and icmp[icmptype] == icmp-unreach and dst host $TOPO_ISP_ADDR"
others="not ($wg_udp) and not ($control) and not arp and not ($wg_unreach) and not (ip6 and (icmp6 or multicast))"
check_eq "no packet other than WireGuard, the control and link chatter" 0 "$(count "$others")"
[ "$(count "$others")" -eq 0 ] || tcpdump -r "$work/uplink.pcap" -n -v "$others" 2>/dev/null | head -n 20 | sed 's/^/       /'

topo_suite_end

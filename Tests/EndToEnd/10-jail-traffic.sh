#!/bin/bash
# End to end, part 1: what an unprivileged user sees through a real jail.
# Topology and sandbox: Tests/lib/topology.sh. The jail is built by the
# real netns-jail, entered by the real launcher (test build, with its file
# capability). Checks, from issue 3:
#  1. a jailed curl reaches the internet as the VPN (IPv4 and IPv6); the
#     host's own curl as the host;
#  2. jailed name lookups go to the VPN's DNS and never to the host's, even
#     though the host runs nscd (a resolver that answers over a Unix
#     socket); a control shows `ip netns exec` does leak through nscd;
#  4. the host replacing /etc/resolv.conf by rename (as dhcpcd and
#     NetworkManager do) does not change DNS for a jailed process already
#     running; a control shows the rename does detach `ip netns exec`'s bind
#     mount, so the check can fail.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
topo_suite_begin "EndToEnd/10 jailed traffic and DNS" nxe2a "$0" "$@"

JAIL=nxe2a_jail IFC=nxe2a0 USR=nxe2a_user
tag=$$$RANDOM

topo_jail_prepare "$JAIL" "$IFC"
topo_jail_up "$JAIL" "$IFC" >"$TOPO_DIR/up.out" 2>&1
check "netns-jail up builds the jail" test $? -eq 0 -a -e "/run/netns/$JAIL"
[ -e "/run/netns/$JAIL" ] || { cat "$TOPO_DIR/up.out"; suite_end; }
check "the wg-quick PostUp hook was not run" test ! -e "$TOPO_DIR/hook-ran"
# Where the kernel has WireGuard (the guest kernels; Slackware users), the
# jail must use it, and say so.
if [ "${NETNS_TEST_EXPECT_WG:-}" = kernel ]; then
    check_contains "netns-jail up uses kernel WireGuard" "$IFC (kernel)" "$(cat "$TOPO_DIR/up.out")"
    check_contains "the jail's interface is a kernel WireGuard link" "wireguard" \
        "$(ip -n "$JAIL" -d link show "$IFC" 2>&1)"
fi

topo_jail_user "$USR" "$JAIL $USR require=$IFC"
launcher=$TOPO_LAUNCHER
jailed() { host_run "$USR" "$launcher" "$JAIL" "$@"; }

# --- 1. who the internet sees -------------------------------------------------
check_eq "jailed curl is seen as the VPN (IPv4)" "$TOPO_VPN_PUBLIC" \
    "$(jailed curl -sS -m 5 "http://$TOPO_WEB/c1-jail-$tag" 2>&1)"
check_eq "jailed curl is seen as the VPN (IPv6)" "$TOPO_VPN_PUBLIC6" \
    "$(jailed curl -sS -m 5 "http://[$TOPO_WEB6]/c1-jail6-$tag" 2>&1)"
check_eq "the host's own curl is seen as the host" "$TOPO_HOST_ADDR" \
    "$(host_run "$USR" curl -sS -m 5 "http://$TOPO_WEB/c1-host-$tag" 2>&1)"
check_eq "the IP server logged each request once, from the right address" \
    "$TOPO_VPN_PUBLIC /c1-jail-$tag|$TOPO_VPN_PUBLIC6 /c1-jail6-$tag|$TOPO_HOST_ADDR /c1-host-$tag" \
    "$(grep -- "-$tag" "$TOPO_DIR/web.log" | paste -sd'|')"

# --- 2. DNS -------------------------------------------------------------------
resolv=$(jailed cat /etc/resolv.conf)
check_contains "jail's resolv.conf lists the VPN's IPv4 resolver" "nameserver $TOPO_TUN_SERVER" "$resolv"
check_contains "jail's resolv.conf lists the VPN's IPv6 resolver" "nameserver $TOPO_TUN_SERVER6" "$resolv"
check_contains "jail's resolv.conf has the search domain" "vpn.test" "$resolv"

answer=$(host_run "$USR" getent ahostsv4 "c2-host-$tag.test" | awk 'NR==1{print $1}')
check_eq "the host resolves the test name to the host-side answer" "$TOPO_HOST_ANSWER" "$answer"
check_eq "a jailed lookup (IPv4) is answered by the VPN's DNS" "$TOPO_VPN_ANSWER" \
    "$(jailed getent ahostsv4 "c2-jail-$tag.test" | awk 'NR==1{print $1}')"
check_eq "a jailed lookup (IPv6) is answered by the VPN's DNS" "fd00:203::53" \
    "$(jailed getent ahostsv6 "c2-jail6-$tag.test" | awk 'NR==1{print $1}')"
check_eq "a short name is completed with the VPN's search domain" "$TOPO_VPN_ANSWER" \
    "$(jailed getent ahostsv4 "c2short$tag" | awk 'NR==1{print $1}')"
check_contains "the VPN's DNS logged the jail's query" "c2-jail-$tag.test" "$(cat "$TOPO_DIR/vpn-dns.log")"
check_not_contains "the host's DNS logged no query from the jail" "c2-jail" "$(cat "$TOPO_DIR/host-dns.log")"

# Control: ip netns exec keeps /run/nscd, so the same lookup leaks to the host.
ctl=$(in_ns "$TOPO_HOST" ip netns exec "$JAIL" "$AS_USER" "$USR" \
    getent ahostsv4 "c2-ctl-$tag.test" | awk 'NR==1{print $1}')
check_eq "control: ip netns exec resolves through the host's nscd (the leak exists)" "$TOPO_HOST_ANSWER" "$ctl"

# --- 4. stale resolv.conf -------------------------------------------------------
# Two jailed processes wait for a signal file, then read /etc/resolv.conf
# and look a name up: one under netns-exec, one under ip netns exec.
work=$TOPO_DIR/c4
install -d -m 0755 -o "$USR" "$work"
waiter='i=0; : >"$1/$2.started"
while [ ! -e "$1/go" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done
cat /etc/resolv.conf >"$1/$2.resolv"; getent ahostsv4 "c4-$2-$3.test" >"$1/$2.lookup"'
host_run_bg execd_pid "$work/execd.out" "$USR" "$launcher" "$JAIL" sh -c "$waiter" waiter "$work" execd "$tag"
# (root runs ip netns exec, which then drops to the user; it execs, so the
# PID is the waiter's.)
ip netns exec "$JAIL" "$AS_USER" "$USR" \
    sh -c "$waiter" waiter "$work" ipnetns "$tag" >"$work/ipnetns.out" 2>&1 &
ipnetns_pid=$!
on_exit "kill_pid $ipnetns_pid"
check "both jailed processes are running" wait_for 10 test -e "$work/execd.started" -a -e "$work/ipnetns.started"

# The host's DHCP client writes a new file and renames it over the old.
printf 'nameserver %s\n# replaced by the test\n' "$TOPO_HOST_DNS" >/etc/resolv.conf.nxe2a
mv -f /etc/resolv.conf.nxe2a /etc/resolv.conf
touch "$work/go"
wait_for 10 test ! -d "/proc/$execd_pid"
wait_for 10 test ! -d "/proc/$ipnetns_pid"
check_contains "control: the rename detached ip netns exec's bind mount" "replaced by the test" "$(cat "$work/ipnetns.resolv" 2>&1)"
check_not_contains "after the rename the jailed process still has the jail's resolv.conf" "replaced" "$(cat "$work/execd.resolv" 2>&1)"
check_eq "after the rename the jailed process still resolves through the VPN" "$TOPO_VPN_ANSWER" \
    "$(awk 'NR==1{print $1}' "$work/execd.lookup" 2>/dev/null)"
check_not_contains "the host's DNS never saw that lookup" "c4-execd" "$(cat "$TOPO_DIR/host-dns.log")"

topo_suite_end

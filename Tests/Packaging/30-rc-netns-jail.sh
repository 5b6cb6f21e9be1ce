#!/bin/bash
# rc.netns-jail drives a real jail: start builds it (wireguard-go when the
# kernel has no WireGuard), status reports it, restart rebuilds it, stop
# removes it, and both are safe to repeat. The jail's only peer has no
# endpoint, so the tunnel sends nothing anywhere.
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin "packaging: rc.netns-jail"
require_root
require_cmd wg ip nft

JAIL=${NETNS_JAIL_BIN:-$REPO_ROOT/.build/release/netns-jail}
[ -x "$JAIL" ] || { skip "$JAIL missing (make build)"; suite_end; }
RC=$REPO_ROOT/packaging/slackware/rc.netns-jail
NAME=nxpkg_rc
IFACE=nxpkgrc0

make_scratch_dir S
cat >"$S/$IFACE.conf" <<EOF
[Interface]
PrivateKey = $(wg genkey)
Address = 10.213.0.2/32, fd00:213::2/128
DNS = 10.213.0.1

[Peer]
PublicKey = $(wg genkey | wg pubkey)
AllowedIPs = 0.0.0.0/0, ::/0
EOF
chmod 0600 "$S/$IFACE.conf"
printf '[%s]\nwireguard = %s\n' "$NAME" "$S/$IFACE.conf" >"$S/netns-jail.conf"
chmod 0644 "$S/netns-jail.conf"

# Cleanup whatever a failed run leaves, by name and PID only.
on_exit "rm -rf /etc/netns/$NAME"
on_exit "ip link del $IFACE"
on_exit "ip netns del $NAME"
on_exit "'$JAIL' down $NAME --kill --config '$S/netns-jail.conf'"

rc() { NETNS_JAIL=$JAIL NETNS_JAIL_CONF=$S/netns-jail.conf timeout 120 sh "$RC" "$@" 2>&1; }
jail_exists() { ip netns list | grep -qw "$NAME"; }

check "the script parses under dash" sh -n "$RC"
check "and under bash" bash -n "$RC"

out=$(rc bogus); code=$?
check_eq "an unknown action exits 2" 2 "$code"
check_contains "and prints the usage" "usage: $RC start|stop|restart|status" "$out"
out=$(NETNS_JAIL=/nonexistent/netns-jail sh "$RC" start 2>&1); code=$?
check_eq "start without netns-jail installed exits 1" 1 "$code"
check_contains "and says so" "/nonexistent/netns-jail is not installed" "$out"

out=$(rc start); code=$?
check_eq "start exits 0" 0 "$code"
check_contains "start announces itself the Slackware way" "Starting VPN jails:" "$out"
check "start built the namespace" jail_exists
check "with the tunnel inside it" bash -c "ip netns exec '$NAME' ip link show '$IFACE' >/dev/null"
check "and the kill switch" bash -c "ip netns exec '$NAME' nft list ruleset | grep -q 'policy drop'"
check_contains "and resolv.conf" "nameserver 10.213.0.1" "$(cat /etc/netns/$NAME/resolv.conf 2>/dev/null)"

out=$(rc status); code=$?
check_eq "status exits 0 while the jail is up" 0 "$code"
check_contains "status names the jail as up" "$NAME: up" "$out"

out=$(rc start); code=$?
check_eq "a second start exits 0" 0 "$code"
check_contains "and changes nothing" "nothing changed" "$out"

out=$(rc restart); code=$?
check_eq "restart exits 0" 0 "$code"
check_contains "restart stops" "Stopping VPN jails:" "$out"
check_contains "then starts" "Starting VPN jails:" "$out"
check "the jail is up after restart" jail_exists

out=$(rc stop); code=$?
check_eq "stop exits 0" 0 "$code"
check "stop removed the namespace" bash -c "! ip netns list | grep -qw '$NAME'"
check "and the interface" bash -c "! ip link show '$IFACE' >/dev/null 2>&1"
check "and /etc/netns/$NAME" test ! -e "/etc/netns/$NAME"
out=$(rc stop); code=$?
check_eq "a second stop exits 0" 0 "$code"
out=$(rc status); code=$?
check_eq "status exits 1 when the jail is down" 1 "$code"

suite_end

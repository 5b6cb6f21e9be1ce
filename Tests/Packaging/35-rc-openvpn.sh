#!/bin/bash
# rc.netns-jail with an OpenVPN jail: the boot script starts, reports,
# restarts and stops a jail whose tunnel is OpenVPN as it does a WireGuard
# one (30-rc-netns-jail.sh), on the test topology (Tests/lib/topology.sh)
# with Debian's openvpn as the simulated provider's server
# (Tests/lib/openvpn.sh). The script runs in the simulated host's network
# namespace, as netns-jail would at boot. Checks: start builds the jail
# (OpenVPN recorded, running as nobody, its device the jail's tunnel) and
# status calls it up and names OpenVPN's state; restart leaves exactly one
# OpenVPN, a new one; stop leaves no OpenVPN, namespace or OpenVPN file;
# a second stop exits 0 and status exits 1 (the control: status tells a
# jail that is down).
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/openvpn.sh"
topo_suite_begin "packaging: rc.netns-jail with an OpenVPN jail" nxpko "$0" "$@"
require_cmd openvpn openssl

RC=$REPO_ROOT/packaging/slackware/rc.netns-jail
JAIL=nxpko_jail IFC=nxpko0
topo_build "$TOPO_DIR" || { fail "topology could not be built"; topo_suite_end; }
ovpn_pki "$TOPO_DIR" || { fail "test PKI (openssl)"; topo_suite_end; }
ovpn_server "$TOPO_DIR" udp "$TOPO_OVPN_UDP_PORT" || { fail "OpenVPN server (UDP)"; topo_suite_end; }
OVPN=$TOPO_DIR/provider.ovpn AUTH=$TOPO_DIR/provider.auth
ovpn_client_config "$OVPN" "$TOPO_DIR/canary.sh" udp 2>/dev/null
ovpn_auth_file "$AUTH"
(umask 077; printf '[%s]\nopenvpn = %s\nopenvpn-auth = %s\ninterface = %s\n' "$JAIL" "$OVPN" "$AUTH" "$IFC" >"$TOPO_JAIL_CONF")
# Cleanup only: the OpenVPN netns-jail recorded, if that PID still runs it.
sweep() {
    local pid
    pid=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "openvpn --config /run/netns-jail/$JAIL.openvpn.conf"; then
        kill_pid "$pid"
    fi
    rm -f /run/netns-jail/"$JAIL".openvpn*
}
on_exit "sweep; topo_jail_sweep $JAIL $IFC"

rc() { NETNS_JAIL=$TOPO_JAIL_BIN NETNS_JAIL_CONF=$TOPO_JAIL_CONF timeout 120 nsenter --net="/run/netns/$TOPO_HOST" -- sh "$RC" "$@" 2>&1; }

out=$(rc start); code=$?
check_eq "start exits 0" 0 "$code"
check_contains "start announces itself the Slackware way" "Starting VPN jails:" "$out"
check_contains "and builds the jail with OpenVPN" "$IFC (openvpn)" "$out"
pid1=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
check_eq "OpenVPN is recorded and runs as nobody" nobody "$(ps -o user= -p "${pid1:-0}" 2>&1)"
check_eq "its device is the jail's tunnel, beside lo" "lo $IFC" "$(ip -n "$JAIL" -o link show 2>/dev/null | awk -F': ' '{print $2}' | sort | paste -sd' ')"
check_eq "one OpenVPN for the jail" 1 "$(ovpn_count "$JAIL")"

out=$(rc status); code=$?
check_eq "status exits 0 while the jail is up" 0 "$code"
check_contains "status names the jail as up" "$JAIL: up" "$out"
check_contains "and OpenVPN's state" "openvpn:     connected for" "$out"

out=$(rc restart); code=$?
check_eq "restart exits 0" 0 "$code"
check_contains "restart stops, then starts" "Stopping VPN jails:" "$out"
pid2=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
check "restart started a new OpenVPN" test -n "$pid2" -a "$pid2" != "$pid1"
check_eq "and left exactly one" 1 "$(ovpn_count "$JAIL")"

out=$(rc stop); code=$?
check_eq "stop exits 0" 0 "$code"
check_contains "stop announces itself" "Stopping VPN jails:" "$out"
check_eq "stop leaves no OpenVPN" 0 "$(ovpn_count "$JAIL")"
check "and no namespace" test ! -e "/run/netns/$JAIL"
check_eq "and no OpenVPN file, record or socket" "" "$(ls /run/netns-jail/$JAIL.openvpn* "/run/netns-jail/openvpn/$JAIL.sock" 2>/dev/null)"
out=$(rc stop); code=$?
check_eq "a second stop exits 0" 0 "$code"
out=$(rc status); code=$?
check_eq "control: status exits 1 when the jail is down" 1 "$code"

topo_suite_end

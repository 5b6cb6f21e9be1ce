#!/bin/bash
# A section of make bench (bench/sections/README.md): an OpenVPN jail
# (issue 24) against OpenVPN run without a jail, on the test topology
# (Tests/lib/topology.sh, Tests/lib/openvpn.sh: Debian's openvpn as the
# provider's server in vpnsrv, over UDP, keys made now). Two comparisons:
#  - `netns-jail up` (namespace, kill switch, OpenVPN started outside with
#    its device moved in, the pushed addresses, routes and DNS applied in
#    the jail) against the same client config run by openvpn alone in the
#    simulated host's namespace, each timed until its tunnel is up;
#  - bulk throughput: one HTTP download of BENCH_OVPN_MIB MiB from the
#    "internet" namespace through each tunnel (curl's average speed,
#    median of 3).
# Needs root; everything is made in namespaces it removes at exit.
. "$(dirname "$0")/../../Tests/lib/testlib.sh"
. "$(dirname "$0")/../../Tests/lib/topology.sh"
. "$(dirname "$0")/../../Tests/lib/openvpn.sh"
. "$(dirname "$0")/../rows.sh"
topo_suite_begin "bench: OpenVPN jail" nxbo "$0" "$@"
require_cmd hyperfine openvpn openssl curl

RUNS=${BENCH_OVPN_RUNS:-5}
MIB=${BENCH_OVPN_MIB:-16}
JAIL=nxbo_jail IFC=nxbo0
topo_build "$TOPO_DIR" || { fail "topology could not be built"; suite_end; }
ovpn_pki "$TOPO_DIR" || { fail "test PKI (openssl)"; suite_end; }
ovpn_server "$TOPO_DIR" udp "$TOPO_OVPN_UDP_PORT" || { fail "OpenVPN server (UDP)"; suite_end; }
OVPN=$TOPO_DIR/provider.ovpn AUTH=$TOPO_DIR/provider.auth
ovpn_client_config "$OVPN" "$TOPO_DIR/canary.sh" udp
ovpn_auth_file "$AUTH"
(umask 077; printf '[%s]\nopenvpn = %s\nopenvpn-auth = %s\ninterface = %s\n' "$JAIL" "$OVPN" "$AUTH" "$IFC" >>"$TOPO_JAIL_CONF")
j="nsenter --net=/run/netns/$TOPO_HOST -- $TOPO_JAIL_BIN --config $TOPO_JAIL_CONF"
# Cleanup only: the OpenVPN netns-jail recorded, if that PID still runs openvpn.
ovpn_jail_sweep() {
    local pid
    pid=$(topo_record_pid "/run/netns-jail/$JAIL.openvpn.pid")
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "openvpn --config /run/netns-jail/$JAIL.openvpn"; then
        kill_pid "$pid"
    fi
    rm -f /run/netns-jail/"$JAIL".openvpn*
}
on_exit "ovpn_jail_sweep; topo_jail_sweep $JAIL $IFC"

# OpenVPN without a jail: the provider's file without its hook lines, run
# by openvpn itself in the simulated host's namespace (which it configures:
# address, redirect-gateway routes), until "Initialization Sequence
# Completed"; stopped by its PID.
PLAIN=$TOPO_DIR/plain.ovpn
grep -v -E '^(script-security|up|down|route-up|tls-verify|ipchange|learn-address|plugin|log|status|writepid|management|cd|daemon|setenv|auth-user-pass)( |$)' "$OVPN" |
    tr -d '\r' >"$PLAIN"
printf 'auth-user-pass %s\n' "$AUTH" >>"$PLAIN"
chmod 0600 "$PLAIN"
cat >"$TOPO_DIR/plain-up.sh" <<UP
: >$TOPO_DIR/plain.log
nsenter --net=/run/netns/$TOPO_HOST -- openvpn --config $PLAIN --dev nxbo9 --dev-type tun --log $TOPO_DIR/plain.log \
    --writepid $TOPO_DIR/plain.pid --daemon || exit 1
for i in \$(seq 600); do
    grep -q "Initialization Sequence Completed" $TOPO_DIR/plain.log && exit 0
    sleep 0.05
done
grep -v "Exiting due to" $TOPO_DIR/plain.log | tail -n 1; exit 1
UP
cat >"$TOPO_DIR/plain-down.sh" <<DOWN
p=\$(cat $TOPO_DIR/plain.pid 2>/dev/null) || exit 0
kill \$p 2>/dev/null
for i in \$(seq 100); do kill -0 \$p 2>/dev/null || break; sleep 0.05; done
kill -9 \$p 2>/dev/null; rm -f $TOPO_DIR/plain.pid; true
DOWN
on_exit "bash $TOPO_DIR/plain-down.sh"

up="netns-jail up (OpenVPN over UDP)" plain="openvpn alone, same config, no jail"
bench_time "$up" -N --runs "$RUNS" --warmup 1 --prepare "$j down $JAIL" -- "$j up $JAIL"
$j down "$JAIL" >/dev/null 2>&1
bench_time "$plain" --runs "$RUNS" --warmup 1 --prepare "bash $TOPO_DIR/plain-down.sh" -- "bash $TOPO_DIR/plain-up.sh"
# hyperfine leaves its last run's OpenVPN running; the throughput row's
# plain-up.sh would overwrite its pid file, and it was left behind (found
# after a run, in the section's namespace, parent 1).
bash "$TOPO_DIR/plain-down.sh"
bench_compare "$up" "$plain"

# Bulk throughput: a file served in the internet namespace (the suite's
# own; a fixed port there, as the IP server's 80), fetched through each
# tunnel. Each side's request must leave as the provider: the IP server's
# answer is checked first, or the number would be the host's own path's.
BLOB=$TOPO_DIR/www/blob PORT=8080
install -d -m 0755 "$TOPO_DIR/www"
head -c $((MIB * 1048576)) /dev/zero >"$BLOB"
nsenter --net="/run/netns/$TOPO_NET" -- python3 -m http.server --bind "$TOPO_WEB" --directory "$TOPO_DIR/www" "$PORT" \
    >"$TOPO_DIR/http.log" 2>&1 &
web=$!
on_exit "kill_pid $web"
wait_for 10 in_ns "$TOPO_NET" curl -sf -o /dev/null -m 2 "http://$TOPO_WEB:$PORT/" || fail "the file server did not start"
# throughput LABEL CMD-PREFIX...: median of 3 downloads, MB/s.
throughput() {
    local label=$1 i speeds="" s who; shift
    who=$("$@" curl -s -m 10 "http://$TOPO_WEB/" 2>&1)
    case $who in *"$TOPO_VPN_PUBLIC"*) ;; *) bench_failed "$label" "the request did not leave as the provider: ${who:-no answer}"; return 1 ;; esac
    for i in 1 2 3; do
        s=$("$@" curl -s -o /dev/null -m 120 -w '%{speed_download}' "http://$TOPO_WEB:$PORT/blob") ||
            { bench_failed "$label" "download $i of $MIB MiB failed (curl exit $?; 28 is its 120 s limit)"; return 1; }
        echo "  $label: download $i at $s bytes/s"
        speeds="$speeds $s"
    done
    bench_row "$label" "$(printf '%s\n' $speeds | sort -n | sed -n 2p | awk '{printf "%.1f", $1 / 1e6}')" MB/s \
        "median of 3 downloads of $MIB MiB (MB/s: $(printf '%s\n' $speeds | awk '{printf "%.1f ", $1 / 1e6}'| sed 's/ $//'))"
}
tj="bulk download through the OpenVPN jail" tp="bulk download through openvpn alone"
if $j up "$JAIL" >/dev/null 2>&1; then
    throughput "$tj" ip netns exec "$JAIL"
    $j down "$JAIL" >/dev/null 2>&1
else
    bench_failed "$tj" "$(bench_reason $j up "$JAIL")"
fi
if bash "$TOPO_DIR/plain-up.sh" >/dev/null 2>&1; then
    throughput "$tp" in_ns "$TOPO_HOST"
    bash "$TOPO_DIR/plain-down.sh"
else
    bench_failed "$tp" "$(bench_reason bash "$TOPO_DIR/plain-up.sh")"
fi
bench_compare "$tj" "$tp"
pass "OpenVPN timings measured"
suite_end

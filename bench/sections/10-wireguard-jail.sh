#!/bin/bash
# A section of make bench (bench/sections/README.md), and make bench-jail
# alone: how long `netns-jail up` (without its handshake wait),
# `up` on a jail that is already up, `down`, `status` and `verify` take against the test topology (Tests/lib/topology.sh:
# wireguard-go, a simulated VPN server), next to the seed recipe's start
# (`ip netns add`, nft, a wireguard-go interface moved in, routes), all with
# hyperfine. NETNS_JAIL_BIN picks the binary (default .build/release).
# Each timing is a row (bench/rows.sh); `up` is put beside the seed recipe.
# Needs root; everything is created in namespaces it removes at exit.
. "$(dirname "$0")/../../Tests/lib/testlib.sh"
. "$(dirname "$0")/../../Tests/lib/topology.sh"
. "$(dirname "$0")/../rows.sh"
topo_suite_begin "bench: netns-jail timing" nxbt "$0" "$@"
require_cmd hyperfine

RUNS=${BENCH_JAIL_RUNS:-20}
JAIL=nxbt_jail IFC=nxbt0
topo_build "$TOPO_DIR" || { fail "topology could not be built"; suite_end; }
topo_client_config "$TOPO_DIR/$IFC.conf" "$TOPO_DIR/hook-ran"
topo_jail_config "$JAIL" "$IFC" "$TOPO_DIR/$IFC.conf"
on_exit "topo_jail_sweep $JAIL $IFC"
j="nsenter --net=/run/netns/$TOPO_HOST -- $TOPO_JAIL_BIN --config $TOPO_JAIL_CONF"

# The seed recipe, by hand: what `up` replaces.
cat >"$TOPO_DIR/seed-up.sh" <<SEED
set -e
exec 2>>$TOPO_DIR/seed.err
ip netns add nxbt_seed
ip netns exec nxbt_seed nft -f - <<'NFT'
table inet t {
  chain output {
    type filter hook output priority filter; policy drop;
    oif "lo" accept
    oifname "nxbt1" accept
  }
}
NFT
WG_PROCESS_FOREGROUND=1 wireguard-go nxbt1 >/dev/null 2>&1 &
echo \$! >$TOPO_DIR/seed.pid
for i in \$(seq 50); do [ -S /run/wireguard/nxbt1.sock ] && break; sleep 0.02; done
grep -v -e '^Address' -e '^DNS' -e '^MTU' -e '^Table' -e '^PostUp' $TOPO_DIR/$IFC.conf | wg setconf nxbt1 /dev/stdin
ip link set nxbt1 netns nxbt_seed
ip -n nxbt_seed addr add $TOPO_TUN_CLIENT/32 dev nxbt1
ip -n nxbt_seed link set lo up
ip -n nxbt_seed link set nxbt1 up
ip -n nxbt_seed route add default dev nxbt1
mkdir -p /etc/netns/nxbt_seed && echo "nameserver $TOPO_TUN_SERVER" >/etc/netns/nxbt_seed/resolv.conf
SEED
cat >"$TOPO_DIR/seed-down.sh" <<SEED
kill \$(cat $TOPO_DIR/seed.pid) 2>/dev/null; sleep 0.05
ip netns del nxbt_seed 2>/dev/null; rm -rf /etc/netns/nxbt_seed; true
SEED
on_exit "nsenter --net=/run/netns/$TOPO_HOST -- bash $TOPO_DIR/seed-down.sh"

seed_down="nsenter --net=/run/netns/$TOPO_HOST -- bash $TOPO_DIR/seed-down.sh"
up="netns-jail up (no handshake wait)" seed="seed recipe up (ip netns, nft, wireguard-go, wg setconf, routes)"
echo "binary: $TOPO_JAIL_BIN"
bench_time "$up" -N --runs "$RUNS" --warmup 2 --prepare "$j down $JAIL" -- "$j up $JAIL --handshake-timeout 0"
bench_time "$seed" -N --runs "$RUNS" --warmup 2 --prepare "$seed_down" -- \
    "nsenter --net=/run/netns/$TOPO_HOST -- bash $TOPO_DIR/seed-up.sh"
bench_compare "$up" "$seed"
$j up "$JAIL" >/dev/null 2>&1 || fail "up before status"
bench_time "netns-jail status" -N -i --runs "$RUNS" --warmup 2 -- "$j status $JAIL"
bench_time "netns-jail verify" -N -i --runs "$RUNS" --warmup 2 -- "$j verify $JAIL"
bench_time "netns-jail up (already up: inspect, wg syncconf, nothing to change)" -N --runs "$RUNS" --warmup 2 -- "$j up $JAIL"
bench_time "netns-jail down" -N --runs "$RUNS" --warmup 2 --prepare "$j up $JAIL --handshake-timeout 0" -- "$j down $JAIL"
[ -s "$TOPO_DIR/seed.err" ] && tail -5 "$TOPO_DIR/seed.err"
pass "timings measured"
suite_end

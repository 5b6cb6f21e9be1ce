#!/bin/bash
# A section of make bench (bench/sections/README.md): failover time of a
# server pool (issue 25) against its detection time. A jail with a pool of
# two simulated provider servers (Tests/lib/pools.sh: real WireGuard, each
# its own public address) and `fail-after = FAIL_AFTER`; a jailed client
# makes a new request every 0.1 s, each tagged with the time it started.
# The server in use is killed (it goes silent) at t0; the failover time is
# from t0 to the start of the first request that the IP server then saw
# arrive from the other server's address. The aim (issue 25): detection
# (fail-after) plus at most 2 s. BENCH_FAILOVER_ROUNDS kills (default 3,
# alternating servers), median reported.
. "$(dirname "$0")/../../Tests/lib/testlib.sh"
. "$(dirname "$0")/../../Tests/lib/topology.sh"
. "$(dirname "$0")/../../Tests/lib/pools.sh"
. "$(dirname "$0")/../rows.sh"
topo_suite_begin "bench: pool failover" nxbp "$0" "$@"

FAIL_AFTER=${BENCH_FAIL_AFTER:-6}
ROUNDS=${BENCH_FAILOVER_ROUNDS:-3}
JAIL=nxbp_jail IFC=nxbp0
topo_build "$TOPO_DIR" || { fail "topology could not be built"; suite_end; }
work=$TOPO_DIR/p
install -d -m 0755 "$work"
pool_build "$work" || { fail "the provider servers could not be built"; suite_end; }
S1=$work/server-1.conf S2=$work/server-2.conf
(umask 077; printf '[%s]\ninterface = %s\nfail-after = %s\nwireguard = %s %s\n' "$JAIL" "$IFC" "$FAIL_AFTER" "$S1" "$S2" >"$TOPO_JAIL_CONF")
on_exit "topo_jail_sweep $JAIL $IFC"
jail_cmd up "$JAIL" >"$work/up.log" 2>&1 ||
    { bench_failed "failover time" "up: $(tail -n 1 "$work/up.log")"; fail "up"; suite_end; }

# The jailed client: "START-MS" is in each request's path, so the IP
# server's log (source, path) says when a request that got through began.
ms() { date +%s%3N; }
client='end=$(($(date +%s) + $2))
while [ ! -e "$1/stop" ] && [ "$(date +%s)" -lt $end ]; do
  curl -s -m 1 -o /dev/null "http://'"$TOPO_WEB"'/fo-$(date +%s%3N)"; sleep 0.1
done'
limit=$(( ROUNDS * (FAIL_AFTER + 30) + 30 ))
nsenter --net="/run/netns/$JAIL" -- sh -c "$client" client "$work" "$limit" >/dev/null 2>&1 &
client_pid=$!
on_exit "kill_pid $client_pid"
on_exit "touch $work/stop"

# first_from ADDRESS T0: the start time of the first request begun at or
# after T0 that arrived from ADDRESS (the IP server logs "SOURCE PATH").
first_from() {
    awk -v a="$1" -v t="$2" '$1 == a && index($2, "/fo-") == 1 { s = substr($2, 5) + 0; if (s >= t && (m == "" || s < m)) m = s } END { if (m != "") printf "%.0f\n", m }' "$TOPO_DIR/web.log"
}
times="" cur=1
wait_for 15 sh -c "[ -n \"\$(awk -v a=${POOL_PUBLIC[1]} '\$1 == a' '$TOPO_DIR/web.log')\" ]" ||
    { bench_failed "failover time" "the jailed client did not get through on server 1"; fail "client"; suite_end; }
for ((r = 1; r <= ROUNDS; r++)); do
    next=$((3 - cur))
    pool_kill "$cur"
    t0=$(ms)
    got=""
    for ((i = 0; i < (FAIL_AFTER + 30) * 10; i++)); do
        got=$(first_from "${POOL_PUBLIC[$next]}" "$t0")
        [ -n "$got" ] && break
        sleep 0.1
    done
    pool_revive "$cur"
    if [ -z "$got" ]; then
        bench_failed "failover time" "round $r: no request from server $next within $((FAIL_AFTER + 30)) s of killing server $cur"
        fail "round $r"
        suite_end
    fi
    echo "  round $r: server $cur killed, first request through server $next began $((got - t0)) ms later"
    times="$times $((got - t0))"
    cur=$next
    sleep 2
done
[ -n "$times" ] || { bench_failed "failover time" "no round was measured"; fail "no round"; suite_end; }
median=$(printf '%s\n' $times | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
bench_row "failover time (server killed to first jailed request through the next)" "$(awk -v m="$median" 'BEGIN { printf "%.2f", m / 1000 }')" s \
    "median of $ROUNDS (ms:$times)"
bench_row "detection time (fail-after)" "$FAIL_AFTER" s "configured; the aim is failover <= detection + 2 s"
bench_compare "failover time (server killed to first jailed request through the next)" "detection time (fail-after)"
pass "failover measured"
suite_end

#!/bin/bash
# End to end, part 4: faults around a jail's life (issue 13), against the
# real topology, with a real user launching through the real netns-exec.
#  1. DNS while `up` runs: users launch lookups in a loop while the jail is
#     built (five times) and while `up` is stopped and SIGKILLed after it
#     created the namespace; no lookup is ever answered by the host's DNS
#     (resolv.conf is written before the namespace exists). The same jail
#     without /etc/netns/NAME is refused with one line. Control: with
#     resolver=host on its policy line it answers from the host.
#  2. SIGKILL of `up` after each step, then `up` again: it repairs in place
#     (naming what it repairs), and verify passes. A jailed program polls
#     the IP server by name throughout and is never seen from the host's
#     address nor resolved by the host's DNS.
#  3. The lock: two concurrent `up`, `down` during `up`; a held lock gives
#     the loser one netns-jail: line (control for the lock's effect).
#  4. The supervisor: an `up` killed half-way, kill -9 of wireguard-go and
#     the tunnel set down are repaired without anyone running netns-jail;
#     the poller gets through again; `down` stops the supervisor.
#     /etc/netns/NAME removed under the running jail: launched back to back
#     until the supervisor has written it again, none is answered by the
#     host's DNS, each is refused with one line or answered by the VPN's.
#  5. Honest health: a handshake older than handshake-age makes status and
#     verify exit 1 (control: right after up they exit 0); a 0664 file in
#     /etc/netns/NAME makes verify fail, and netns-exec refuses the jail
#     (the control that the rule is the launcher's).
#  6. A failing `up` whose stderr reader has gone (| head -c1) still rolls
#     back everything (SIGPIPE is ignored).
#  7. The uplink absent when `up` runs: `up --handshake-timeout 0` builds
#     and seals the jail at once; a jailed program waits, then gets
#     through when the uplink appears, with no command run.
#  8. An endpoint given as a host name that moves: the supervisor resolves
#     it again and the jail recovers by itself.
#  9. Edits of the WireGuard config applied by `up` in the same namespace
#     while a jailed program keeps working; another interface name refused
#     (naming the program inside) unless --force.
# 10. (issue 21) The supervisor SIGKILLed: status unhealthy, saying why in
#     one line; a later wireguard-go death unrepaired until `up` restarts
#     it; a record naming an impostor with the supervisor's argv is not
#     trusted (control: the genuine record is).
# 11. `supervise --stay` under a respawning loop (init's respawn): `up`
#     keeps it, a SIGKILLed one is back and repairs.
# 12. `up` SIGKILLed after starting wireguard-go, before recording it: the
#     held wireguard-go ends; `up` converges; `down` leaves nothing.
#     Control: an unrecorded wireguard-go outlives `down` and fails `up`.
# 13. (issue 22) /run/netns-jail full while `up` runs: one netns-jail:
#     line with the errno's text and the path, never Foundation's own
#     words, and nothing of the jail left. Control: the same small tmpfs
#     with room, where `up` succeeds.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
topo_suite_begin "EndToEnd/40 faults" nxe2f "$0" "$@"
require_cmd flock

JAIL=nxe2f_jail IFC=nxe2f0 USR=nxe2f_user
tag=f$$
work=$TOPO_DIR/f

topo_jail_prepare "$JAIL" "$IFC"
on_exit "topo_jail_sweep $JAIL $IFC"
# No require=: the launcher admits anyone to any namespace file that exists,
# so a half-built jail is entered as early as it can be.
topo_jail_user "$USR" "$JAIL $USR"
launcher=$TOPO_LAUNCHER
install -d -m 0777 "$work"
quiet() { "$@" >/dev/null 2>&1; }
# Every up passes --userspace: the faults below include killing
# wireguard-go, and the guest kernels (Tests/Guest) have kernel WireGuard.

# up_stopped STEP [ARGS...]: `up` in the background, stopped (SIGSTOP)
# right after STEP; sets UP_PID. Fails when it did not stop within 10 s.
up_stopped() {
    local step=$1; shift
    NETNS_JAIL_STOP_AFTER=$step nsenter --net="/run/netns/$TOPO_HOST" -- \
        "$TOPO_JAIL_BIN" --config "$TOPO_JAIL_CONF" up "$JAIL" --userspace "$@" >"$work/up-$step.out" 2>&1 &
    UP_PID=$!
    on_exit "kill -9 $UP_PID"
    wait_for 10 grep -q '^State:.*T' "/proc/$UP_PID/status"
}
kill_up() { kill -9 "$UP_PID" 2>/dev/null; wait "$UP_PID" 2>/dev/null; }

# A program that looks a name up and asks the IP server, every 0.2 s,
# until $work/stop-TAG exists (at most $3 seconds). Lines: "dns ANSWER"
# and "web HTTPCODE".
poller='end=$(($(date +%s) + $3)); i=0
while [ ! -e "$1/stop-$2" ] && [ "$(date +%s)" -lt $end ]; do
  i=$((i+1))
  a=$(RES_OPTIONS="timeout:1 attempts:1" getent ahostsv4 "$2-$i.test" | awk "NR==1{print \$1}")
  echo "dns ${a:-none}"
  echo "web $(curl -s -m 1 -o /dev/null -w "%{http_code}" "http://'"$TOPO_WEB"'/$2-$i")"
  sleep 0.2
done'
start_poller() { # TAG SECONDS: sets POLL_PID
    host_run_bg POLL_PID "$work/poll-$1.out" "$USR" "$launcher" "$JAIL" sh -c "$poller" poller "$work" "$1" "$2"
}
stop_poller() { touch "$work/stop-$1"; wait_for 5 test ! -d "/proc/$POLL_PID"; }

# leaks TAG: one line per request the IP server saw from the host's
# address and per query the host's DNS saw, for TAG.
leaks() {
    awk -v t="/$1-" -v h="$TOPO_HOST_ADDR" 'index($2, t) == 1 && $1 == h' "$TOPO_DIR/web.log"
    grep -- "$1-" "$TOPO_DIR/host-dns.log"
}

# --- 1. DNS while up runs ------------------------------------------------------
# launch_loop TAG: one-shot jailed lookups back to back until stop-TAG
# (at most 20 s); each prints its answer, or "none".
launch_loop='end=$(($(date +%s) + 20)); i=0
while [ ! -e "$1/stop-$2" ] && [ "$(date +%s)" -lt $end ]; do
  i=$((i+1))
  a=$("$3" "$4" env RES_OPTIONS="timeout:1 attempts:1" getent ahostsv4 "$2-$i.test" 2>/dev/null | awk "NR==1{print \$1}")
  echo "${a:-none}"
done'
# FAULTS_RACE_RUNS / FAULTS_RACE_LOOPS (default 5 runs of 2 loops) for a
# longer count.
lpids=() loops=$(printf '%s\n' a b c d e f | head -n "${FAULTS_RACE_LOOPS:-2}")
for run in $(seq 1 "${FAULTS_RACE_RUNS:-5}"); do
    quiet jail_cmd down "$JAIL"
    for l in $loops; do
        host_run_bg lpid "$work/race-$run$l.out" "$USR" sh -c "$launch_loop" loop "$work" "race$tag$run$l" "$launcher" "$JAIL"
        lpids+=("$lpid")
    done
    sleep 0.3
    quiet jail_cmd up "$JAIL" --userspace --no-supervisor
    sleep 0.5
    for l in $loops; do touch "$work/stop-race$tag$run$l"; done
done
for lpid in "${lpids[@]}"; do wait_for 10 test ! -d "/proc/$lpid"; done
cat "$work"/race-*.out >"$work/race.all"
host_answers=$(grep -c "^$TOPO_HOST_ANSWER\$" "$work/race.all")
vpn_answers=$(grep -c "^$TOPO_VPN_ANSWER\$" "$work/race.all")
echo "       race: $(wc -l <"$work/race.all") launches, $vpn_answers VPN answers, $host_answers host answers"
check_eq "launches racing ${FAULTS_RACE_RUNS:-5} up runs: no host-resolver answer" 0 "$host_answers"
check "launches racing up: the VPN's DNS answered some (the race ran)" test "$vpn_answers" -gt 0
check_eq "the host's DNS saw no racing lookup" "" "$(grep -- "race$tag" "$TOPO_DIR/host-dns.log")"

# SIGKILL of up once the namespace exists: launches then get the jail's
# resolv.conf (which leads nowhere yet), never the host's.
quiet jail_cmd down "$JAIL"
if up_stopped namespace --no-supervisor; then
    out=$(host_run "$USR" "$launcher" "$JAIL" env RES_OPTIONS="timeout:1 attempts:1" getent ahostsv4 "killed$tag.test"; \
          host_run "$USR" "$launcher" "$JAIL" cat /etc/resolv.conf)
    kill_up
    check_not_contains "up killed after the namespace: a launch is not answered by the host" "$TOPO_HOST_ANSWER" "$out"
    check_contains "up killed after the namespace: a launch already has the jail's resolv.conf" "nameserver $TOPO_TUN_SERVER" "$out"
else
    fail "up did not stop after the namespace step"; kill_up
fi
quiet jail_cmd up "$JAIL" --userspace --no-supervisor
# The same jail without /etc/netns/NAME: refused, never the host's resolvers.
mv "/etc/netns/$JAIL" "$work/etc-aside"
check_refusal netns-exec 125 "without /etc/netns/$JAIL a launch" \
    "netns-exec: /etc/netns/$JAIL is missing, so $JAIL would use the host's resolvers; refusing" \
    host_run "$USR" "$launcher" "$JAIL" env RES_OPTIONS="timeout:1 attempts:1" getent ahostsv4 "gone$tag.test"
# Control: a namespace whose line says resolver=host gets the host's
# resolvers, as every such launch did before.
write_test_policy "$JAIL $USR resolver=host"
ctl=$(host_run "$USR" "$launcher" "$JAIL" env RES_OPTIONS="timeout:1 attempts:1" getent ahostsv4 "ctl$tag.test" | awk 'NR==1{print $1}')
check_eq "control: with resolver=host, without /etc/netns/$JAIL a launch is answered by the host's DNS" "$TOPO_HOST_ANSWER" "$ctl"
write_test_policy "$JAIL $USR"
check_not_contains "the refused launch never reached the host's DNS" "gone$tag" "$(cat "$TOPO_DIR/host-dns.log")"
rm -rf "$work/etc-aside"
out=$(jail_cmd up "$JAIL" --userspace --no-supervisor 2>&1)
check_contains "up repairs a missing resolv.conf and says so" "repaired in $JAIL: /etc/netns/$JAIL/resolv.conf is missing" "$out"

# --- 2. SIGKILL of up after each step, then up again ----------------------------
# Once the namespace exists, a jailed poller is started in the half-built
# jail; it must get through after the repair, without being restarted.
k=0
for step in resolv.conf namespace kill-switch tunnel-created tunnel-moved routes handshake-wait; do
    k=$((k + 1))
    quiet jail_cmd down "$JAIL" --wait 10
    if ! up_stopped "$step" --no-supervisor; then fail "up did not stop after $step"; kill_up; continue; fi
    kill_up
    polling=0
    if [ -e "/run/netns/$JAIL" ]; then start_poller "k$tag$k" 30; polling=1; fi
    st=$(jail_cmd status "$JAIL" 2>&1)
    case $step in
    resolv.conf) check_contains "killed after $step: status names the leftover" "resolv.conf is left without a namespace" "$st" ;;
    tunnel-created) check_contains "killed after $step: status names the leftover" "in the host's namespace, not the jail" "$st" ;;
    handshake-wait) check_contains "killed after $step: status names the leftover keepalive" "persistent keepalive 1 s" "$st" ;;
    esac
    out=$(jail_cmd up "$JAIL" --userspace --no-supervisor 2>&1); rc=$?
    check "killed after $step: up again succeeds" test "$rc" -eq 0
    v=$(jail_cmd verify "$JAIL" 2>&1)
    check "killed after $step: verify passes" test $? -eq 0 || printf '       %s\n' "$out" "$v"
    if [ "$polling" = 1 ]; then
        check "killed after $step: the program started in the half-built jail gets through" \
            wait_for 10 grep -q "^web 200" "$work/poll-k$tag$k.out"
        stop_poller "k$tag$k"
        check_eq "killed after $step: it was never seen from the host's address nor resolved by the host" "" "$(leaks "k$tag$k")"
    fi
done

# --- 3. the lock ------------------------------------------------------------------
quiet jail_cmd down "$JAIL"
jail_cmd up "$JAIL" --userspace --no-supervisor >"$work/c1.out" 2>&1 & c1=$!
jail_cmd up "$JAIL" --userspace --no-supervisor >"$work/c2.out" 2>&1 & c2=$!
wait "$c1"; r1=$?; wait "$c2"; r2=$?
check_eq "two concurrent up: both succeed" "0 0" "$r1 $r2"
check_contains "two concurrent up: one of them found the jail built" "already up and healthy" "$(cat "$work/c1.out" "$work/c2.out")"
check "two concurrent up: verify passes" quiet jail_cmd verify "$JAIL"

flock "/run/netns-jail/$JAIL.lock" sleep 5 & holder=$!
on_exit "kill_pid $holder"
sleep 0.3
out=$(jail_cmd down "$JAIL" --wait 1 2>&1); rc=$?
check "control: down refuses while another holds the lock" test "$rc" -ne 0
check_eq "the loser gets one netns-jail: line" 1 "$(printf '%s\n' "$out" | grep -c '^netns-jail: .*being changed by another netns-jail')"
check "the jail is untouched by the loser" quiet jail_cmd verify "$JAIL"
kill_pid "$holder"

quiet jail_cmd down "$JAIL"
if up_stopped tunnel-moved --no-supervisor; then
    jail_cmd down "$JAIL" >"$work/during.out" 2>&1 & d=$!
    sleep 0.5
    check "down during up waits for up" test -d "/proc/$d"
    kill -CONT "$UP_PID"; wait "$UP_PID"; r_up=$?
    wait "$d"; r_down=$?
    check_eq "down during up: up finishes, then down" "0 0" "$r_up $r_down"
    check "down during up: nothing is left" test ! -e "/run/netns/$JAIL" -a ! -e "/etc/netns/$JAIL"
else
    fail "up did not stop after tunnel-moved"; kill_up
fi

# --- 4. the supervisor -------------------------------------------------------------
# `up` starts the supervisor as soon as the namespace exists; it waits for
# up's lock, so an `up` killed half-way is finished by the supervisor, with
# no command run.
quiet jail_cmd down "$JAIL"
if up_stopped tunnel-created; then
    kill_up
    check "up killed after tunnel-created: the supervisor finishes the jail by itself" wait_for 20 jail_cmd verify "$JAIL"
else
    fail "up did not stop after tunnel-created"; kill_up
fi
quiet jail_cmd down "$JAIL"
jail_cmd up "$JAIL" --userspace >"$work/sup-up.out" 2>&1
check "up with a supervisor succeeds" test $? -eq 0
sup=$(topo_record_pid "/run/netns-jail/$JAIL.supervisor.pid")
check_contains "status shows the supervisor" "supervisor:  PID $sup" "$(jail_cmd status "$JAIL")"
start_poller "s$tag" 60
wgpid=$(topo_record_pid "/run/netns-jail/$JAIL.pid")
kill -9 "$wgpid"
check "kill -9 of wireguard-go: the supervisor starts a new one" \
    wait_for 15 sh -c 'p=$(sed -n "1s/ .*//p" "$1"); [ -n "$p" ] && [ "$p" != "$2" ] && [ -d "/proc/$p" ]' sh "/run/netns-jail/$JAIL.pid" "$wgpid"
check "kill -9 of wireguard-go: verify passes again" wait_for 10 jail_cmd verify "$JAIL"
n=$(grep -c '^web 200' "$work/poll-s$tag.out")
check "kill -9 of wireguard-go: the running poller gets through again" wait_for 15 sh -c '[ "$(grep -c "^web 200" "$1")" -gt "$2" ]' sh "$work/poll-s$tag.out" "$n"

ip -n "$JAIL" link set "$IFC" down
check "tunnel set down: the supervisor brings it and its routes back" \
    wait_for 15 sh -c 'ip -n "$1" -4 route show default | grep -q "dev $2"' sh "$JAIL" "$IFC"
check "tunnel set down: verify passes again" wait_for 10 jail_cmd verify "$JAIL"
n=$(grep -c '^web 200' "$work/poll-s$tag.out")
check "tunnel set down: the running poller gets through again" wait_for 15 sh -c '[ "$(grep -c "^web 200" "$1")" -gt "$2" ]' sh "$work/poll-s$tag.out" "$n"

# /etc/netns/NAME removed under the running jail (issue 21): one-shot
# launches back to back, before, during and after the removal, until ten
# have been answered after it (the supervisor has written it again), at
# most 400 launches or 20 s. Each line: "refused LINES MESSAGE" or
# "answer ADDRESS".
rm_loop='end=$(($(date +%s) + 20)); i=0; after=0
while [ $i -lt 400 ] && [ "$(date +%s)" -lt $end ] && [ $after -lt 10 ]; do
  i=$((i+1))
  out=$("$3" "$4" env RES_OPTIONS="timeout:1 attempts:1" getent ahostsv4 "$2-$i.test" 2>&1); rc=$?
  if [ $rc -eq 125 ]; then echo "refused $(printf "%s\n" "$out" | wc -l) $out"
  else
    a=$(printf "%s\n" "$out" | awk "NR==1{print \$1}"); echo "answer ${a:-none}"
    [ -e "$1/removed-$2" ] && after=$((after+1))
  fi
done'
host_run_bg RM_PID "$work/rm.out" "$USR" sh -c "$rm_loop" loop "$work" "rm$tag" "$launcher" "$JAIL"
wait_for 10 sh -c '[ "$(grep -c "^answer" "$1" 2>/dev/null)" -ge 3 ]' sh "$work/rm.out" || fail "the launch loop did not start"
rm -rf "/etc/netns/$JAIL"
touch "$work/removed-rm$tag"
wait_for 30 test ! -d "/proc/$RM_PID"
launches=$(wc -l <"$work/rm.out")
refusals=$(grep -c '^refused 1 netns-exec: ' "$work/rm.out")
vpn_answers=$(grep -c "^answer $TOPO_VPN_ANSWER\$" "$work/rm.out")
echo "       removed under a running jail: $launches launches, $refusals refused, $vpn_answers answered by the VPN"
check_eq "removed /etc/netns/$JAIL: no launch answered by the host's DNS" 0 "$(grep -c "^answer $TOPO_HOST_ANSWER\$" "$work/rm.out")"
check_eq "removed /etc/netns/$JAIL: each launch refused with one netns-exec: line or answered by the VPN's DNS" "" \
    "$(grep -v -e '^refused 1 netns-exec: ' -e "^answer $TOPO_VPN_ANSWER\$" "$work/rm.out")"
check "removed /etc/netns/$JAIL: some launches fell in the gap and were refused (the race ran)" test "$refusals" -gt 0
check_contains "removed /etc/netns/$JAIL: the refusal says why" \
    "refused 1 netns-exec: /etc/netns/$JAIL is missing, so $JAIL would use the host's resolvers" "$(cat "$work/rm.out")"
check "the supervisor wrote it again and launches are answered by the VPN" \
    test -f "/etc/netns/$JAIL/resolv.conf" -a "$(tail -n 1 "$work/rm.out")" = "answer $TOPO_VPN_ANSWER"
check_eq "the host's DNS saw none of those launches" "" "$(grep -- "rm$tag" "$TOPO_DIR/host-dns.log")"
stop_poller "s$tag"
check_eq "the poller was never seen from the host's address nor resolved by the host" "" "$(leaks "s$tag")"
quiet jail_cmd down "$JAIL"
check "down stops the supervisor" wait_for 5 test ! -d "/proc/$sup"

# --- 5. honest health --------------------------------------------------------------
jail_cmd up "$JAIL" --userspace --no-supervisor >/dev/null 2>&1
check "control: right after up, status exits 0" quiet jail_cmd status "$JAIL"
conf10=$TOPO_DIR/age10.conf
(umask 077; sed "s|^interface = $IFC\$|&\nhandshake-age = 10|" "$TOPO_JAIL_CONF" >"$conf10")
sleep 11
st=$(in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$conf10" status "$JAIL" 2>&1); rc=$?
check "a handshake older than handshake-age: status exits 1" test "$rc" -eq 1
check_contains "status calls it unhealthy and says why" "more than 10" "$st"
check "a handshake older than handshake-age: verify exits 1" test "$(in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$conf10" verify "$JAIL" >/dev/null 2>&1; echo $?)" -eq 1

chmod 0664 "/etc/netns/$JAIL/resolv.conf"
v=$(jail_cmd verify "$JAIL" 2>&1); rc=$?
check "a group-writable resolv.conf: verify fails" test "$rc" -ne 0
check_contains "verify names the file and the fix" "resolv.conf is writable by group or other" "$v"
host_run "$USR" "$launcher" "$JAIL" true >/dev/null 2>&1; rc=$?
check_eq "control: netns-exec refuses that jail" 125 "$rc"
chmod 0644 "/etc/netns/$JAIL/resolv.conf"
check "verify passes again once it is fixed" quiet jail_cmd verify "$JAIL"
quiet jail_cmd down "$JAIL"

# --- 7. uplink absent at boot, appearing later -------------------------------------
ip -n "$TOPO_HOST" link set "$TOPO_UPLINK" down
on_exit "ip -n $TOPO_HOST link set $TOPO_UPLINK up; ip -n $TOPO_HOST route replace default via $TOPO_ISP_ADDR"
out=$(jail_cmd up "$JAIL" --userspace --handshake-timeout 0 2>&1)
check "uplink absent: up --handshake-timeout 0 builds the jail without waiting" test $? -eq 0 -a -e "/run/netns/$JAIL"
st=$(jail_cmd status "$JAIL" 2>&1); rc=$?
check "uplink absent: status exits 1" test "$rc" -eq 1
check_contains "uplink absent: status says there was no handshake" "no handshake with peer" "$st"
start_poller "u$tag" 60
sleep 2
check "uplink absent: the jailed program gets nothing through" test -z "$(grep '^web 200' "$work/poll-u$tag.out")"
ip -n "$TOPO_HOST" link set "$TOPO_UPLINK" up
ip -n "$TOPO_HOST" route replace default via "$TOPO_ISP_ADDR"
check "uplink back: the same jailed program gets through" wait_for 30 grep -q '^web 200' "$work/poll-u$tag.out"
check "uplink back: status calls the jail healthy" wait_for 20 jail_cmd status "$JAIL"
stop_poller "u$tag"
check_eq "uplink absent and back: never seen from the host's address nor resolved by the host" "" "$(leaks "u$tag")"
quiet jail_cmd down "$JAIL"

# --- 8. an endpoint given as a host name, moved -------------------------------------
# The name first resolves (through the sandboxed /etc/hosts) to an address
# where no server answers; once it points at the server, the supervisor
# resolves it again and the tunnel works, with no netns-jail command run.
cp /etc/hosts "$work/hosts.saved"
on_exit "cp '$work/hosts.saved' /etc/hosts"
echo "192.0.2.77 vpn.nxe2f.example" >>/etc/hosts
sed "s/^Endpoint = .*/Endpoint = vpn.nxe2f.example:$TOPO_WG_PORT/" "$TOPO_DIR/$IFC.conf" >"$TOPO_DIR/named.conf"
named_conf=$TOPO_DIR/named-jail.conf
(umask 077; printf '[%s]\nwireguard = %s\ninterface = %s\n' "$JAIL" "$TOPO_DIR/named.conf" "$IFC" >"$named_conf")
named() { in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$named_conf" "$@"; }
named up "$JAIL" --userspace --handshake-timeout 0 >/dev/null 2>&1
check_contains "a host-name endpoint is resolved at up" "endpoint:  192.0.2.77:$TOPO_WG_PORT" "$(named status "$JAIL" 2>&1)"
sed -i 's/^192\.0\.2\.77 vpn\.nxe2f\.example$/192.0.2.1 vpn.nxe2f.example/' /etc/hosts
check "the name moved: the supervisor resolves it again and the jail becomes healthy" wait_for 40 named status "$JAIL"
check_contains "status shows the new endpoint" "endpoint:  $TOPO_ISP_ADDR:$TOPO_WG_PORT" "$(named status "$JAIL" 2>&1)"
named down "$JAIL" >/dev/null 2>&1

# --- 9. edits applied live ----------------------------------------------------------
# MTU, DNS, a keepalive and a second peer change in the WireGuard config;
# `up` applies them in the same namespace while a jailed program runs, and
# the first peer keeps its session. (Without the supervisor, which only
# repairs and would race `up` for the DNS change.)
cp "$TOPO_DIR/$IFC.conf" "$work/wg.saved"
on_exit "cp '$work/wg.saved' '$TOPO_DIR/$IFC.conf'"
jail_cmd up "$JAIL" --userspace --no-supervisor >/dev/null 2>&1
inode=$(stat -L -c %i "/run/netns/$JAIL")
start_poller "e$tag" 60
wait_for 10 grep -q '^web 200' "$work/poll-e$tag.out"
hs=$(wg show "$IFC" latest-handshakes | awk '{print $2}')
sed -i -e 's/^MTU = 1380$/MTU = 1360/' -e "s/^DNS = $TOPO_TUN_SERVER, $TOPO_TUN_SERVER6\$/DNS = $TOPO_TUN_SERVER/" \
    -e 's/^PersistentKeepalive = 0$/PersistentKeepalive = 25/' "$TOPO_DIR/$IFC.conf"
printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 192.0.2.250/32\n' "$(wg genkey | wg pubkey)" >>"$TOPO_DIR/$IFC.conf"
out=$(jail_cmd up "$JAIL" --userspace --no-supervisor 2>&1)
check "edited config: up succeeds" test $? -eq 0
check_contains "edited config: up names the WireGuard change" "updated $JAIL: applied the changed keys, peers or endpoints" "$out"
check_contains "edited config: up names the MTU change" "MTU of $IFC set to 1360 (was 1380)" "$out"
check_contains "edited config: up names the DNS change" "repaired in $JAIL: /etc/netns/$JAIL/resolv.conf lists nameservers" "$out"
check_eq "edited config: the namespace is the same" "$inode" "$(stat -L -c %i "/run/netns/$JAIL")"
check_contains "edited config: the MTU is applied" "mtu 1360" "$(ip -n "$JAIL" link show "$IFC")"
check_eq "edited config: both peers are there" 2 "$(wg show "$IFC" peers | wc -l)"
check_eq "edited config: the keepalive is applied" 25 "$(wg show "$IFC" persistent-keepalive | awk -v k="$TOPO_SERVER_PUB" '$1 == k {print $2}')"
check_eq "edited config: the first peer kept its session (same handshake)" "$hs" \
    "$(wg show "$IFC" latest-handshakes | awk -v k="$TOPO_SERVER_PUB" '$1 == k {print $2}')"
check_not_contains "edited config: the jail's resolv.conf drops the removed server" "$TOPO_TUN_SERVER6" \
    "$(host_run "$USR" "$launcher" "$JAIL" cat /etc/resolv.conf)"
n=$(grep -c '^web 200' "$work/poll-e$tag.out")
check "edited config: the running program keeps working" wait_for 10 sh -c '[ "$(grep -c "^web 200" "$1")" -gt "$2" ]' sh "$work/poll-e$tag.out" "$n"
check_contains "edited config: up again changes nothing" "already up and healthy" "$(jail_cmd up "$JAIL" --userspace --no-supervisor 2>&1)"
check "edited config: verify passes" quiet jail_cmd verify "$JAIL"

# Another interface name needs a new namespace: refused, naming the
# program inside, unless --force.
renamed=$TOPO_DIR/renamed.conf
(umask 077; printf '[%s]\nwireguard = %s\ninterface = nxe2f9\n' "$JAIL" "$TOPO_DIR/$IFC.conf" >"$renamed")
renamed() { in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$renamed" "$@"; }
on_exit "topo_jail_sweep $JAIL nxe2f9"
out=$(renamed up "$JAIL" --userspace --no-supervisor 2>&1); rc=$?
check "another interface name: up refuses" test "$rc" -ne 0
check_contains "another interface name: the refusal names the program inside" "PID $POLL_PID" "$out"
check_contains "another interface name: the refusal says --force" "pass --force" "$out"
check_eq "another interface name: nothing was changed" "$inode" "$(stat -L -c %i "/run/netns/$JAIL")"
out=$(renamed up "$JAIL" --userspace --no-supervisor --force 2>&1)
check "another interface name: up --force rebuilds the jail" test $? -eq 0
check "another interface name: verify passes on the rebuilt jail" quiet renamed verify "$JAIL"
stop_poller "e$tag"
check_eq "edits: never seen from the host's address nor resolved by the host" "" "$(leaks "e$tag")"
quiet renamed down "$JAIL"
cp "$work/wg.saved" "$TOPO_DIR/$IFC.conf"

# --- 10. the supervisor killed; records a reused PID cannot fake (issue 21) -------
sup_rec=/run/netns-jail/$JAIL.supervisor.pid
quiet jail_cmd down "$JAIL"
jail_cmd up "$JAIL" --userspace >/dev/null 2>&1
sup=$(topo_record_pid "$sup_rec")
check "the supervisor's record holds its PID and start time" grep -qx "$sup start=[0-9]*" "$sup_rec"
check_contains "control: status trusts the genuine record" "supervisor:  PID $sup" "$(jail_cmd status "$JAIL")"
check "control: status exits 0 while the supervisor runs" quiet jail_cmd status "$JAIL"
kill -9 "$sup"
wait_for 5 test ! -d "/proc/$sup"
st=$(jail_cmd status "$JAIL" 2>&1); rc=$?
check_eq "supervisor SIGKILLed: status exits 1" 1 "$rc"
check_eq "supervisor SIGKILLed: status says why, in one line" 1 \
    "$(printf '%s\n' "$st" | grep -c "problem: .*its supervisor (PID $sup, recorded in $sup_rec) is not running")"
# Nothing repairs the jail meanwhile: the consequence status now reports.
wgpid=$(topo_record_pid "/run/netns-jail/$JAIL.pid")
kill -9 "$wgpid"
sleep 3
quiet jail_cmd verify "$JAIL"; rc=$?
check "supervisor SIGKILLed: a wireguard-go killed after it stays unrepaired" test "$rc" -ne 0
out=$(jail_cmd up "$JAIL" --userspace 2>&1)
check_contains "up restarts the supervisor and says so" "its supervisor (PID $sup) was not running; started a new one" "$out"
check "up repairs the tunnel" quiet jail_cmd verify "$JAIL"
sup2=$(topo_record_pid "$sup_rec")
check "the new supervisor runs" test -n "$sup2" -a "$sup2" != "$sup" -a -d "/proc/$sup2"
check "status exits 0 again" quiet jail_cmd status "$JAIL"

# A reused PID: the record names the new supervisor's start time, but its
# PID is now a process whose argv has the supervisor's shape.
nsenter --net="/run/netns/$TOPO_HOST" -- bash -c 'exec -a "$1" sh -c "sleep 300; :" supervise --config "$2" "$3"' \
    fake "$TOPO_JAIL_BIN" "$TOPO_JAIL_CONF" "$JAIL" &
fake=$!
on_exit "kill_pid $fake"
# Wait for the exec itself: until then the cmdline is nsenter's or bash's,
# which holds the word "supervise" in its script but not the shape.
wait_for 5 sh -c 'tr "\0" " " <"/proc/$1/cmdline" | grep -q "netns-jail .*supervise .* $2 \?$"' sh "$fake" "$JAIL"
check "control: the impostor's command line has the supervisor's shape" \
    sh -c 'tr "\0" " " <"/proc/$1/cmdline" | grep -q "netns-jail .*supervise .* $2 \?$"' sh "$fake" "$JAIL"
rec=$(cat "$sup_rec")
kill -9 "$sup2"; wait_for 5 test ! -d "/proc/$sup2"
echo "$fake ${rec#* }" >"$sup_rec"
st=$(jail_cmd status "$JAIL" 2>&1); rc=$?
check_eq "a reused PID with the supervisor's argv: status exits 1" 1 "$rc"
check_not_contains "a reused PID: status does not call it the supervisor" "supervisor:  PID $fake" "$st"
check_contains "a reused PID: status says the supervisor is not running" "its supervisor (PID $fake," "$st"
out=$(jail_cmd up "$JAIL" --userspace 2>&1)
sup3=$(topo_record_pid "$sup_rec")
check "a reused PID: up starts a real supervisor" test -n "$sup3" -a "$sup3" != "$fake" -a -d "/proc/$sup3"
check "a reused PID: the impostor was not signalled" test -d "/proc/$fake"
quiet jail_cmd down "$JAIL"
check "a reused PID: down does not signal the impostor either" test -d "/proc/$fake"
kill_pid "$fake"

# --- 11. kept running by a respawner (init's respawn, systemd's Restart=) ---------
# The man page's recipe: `supervise --stay` under something that starts it
# again whenever it ends. A bounded loop plays init here.
respawn='for i in 1 2 3 4 5 6; do [ -e "$1" ] && exit 0; "$2" --config "$3" supervise --stay "$4"; done'
nsenter --net="/run/netns/$TOPO_HOST" -- sh -c "$respawn" respawn "$work/stop-respawn" "$TOPO_JAIL_BIN" "$TOPO_JAIL_CONF" "$JAIL" &
respawner=$!
on_exit "touch '$work/stop-respawn'; kill_pid $respawner; topo_stop_supervisor $JAIL"
check "a staying supervisor waits for its jail, recorded" \
    wait_for 5 sh -c 'p=$(sed -n "1s/ .*//p" "$1"); [ -n "$p" ] && [ -d "/proc/$p" ]' sh "$sup_rec"
init_sup=$(topo_record_pid "$sup_rec")
check "it is the respawner's child" test -n "$init_sup" -a "$(ps -o ppid= -p "$init_sup" 2>/dev/null | tr -d ' ')" = "$respawner"
jail_cmd up "$JAIL" --userspace >/dev/null 2>&1
check_eq "up keeps the running supervisor (no second one)" "$init_sup" "$(topo_record_pid "$sup_rec")"
check "the jail is healthy under it" quiet jail_cmd status "$JAIL"
kill -9 "$init_sup"
check "supervisor SIGKILLed under a respawner: a new one records itself" \
    wait_for 10 sh -c 'p=$(sed -n "1s/ .*//p" "$1"); [ -n "$p" ] && [ "$p" != "$2" ] && [ -d "/proc/$p" ]' sh "$sup_rec" "$init_sup"
wgpid=$(topo_record_pid "/run/netns-jail/$JAIL.pid")
kill -9 "$wgpid"
check "the respawned supervisor repairs a later wireguard-go death" \
    wait_for 15 sh -c 'p=$(sed -n "1s/ .*//p" "$1"); [ -n "$p" ] && [ "$p" != "$2" ] && [ -d "/proc/$p" ]' sh "/run/netns-jail/$JAIL.pid" "$wgpid"
check "status calls the jail healthy again" wait_for 10 jail_cmd status "$JAIL"
touch "$work/stop-respawn"
quiet jail_cmd down "$JAIL"
wait_for 5 test ! -d "/proc/$respawner"
topo_stop_supervisor "$JAIL"

# --- 12. up SIGKILLed between starting wireguard-go and recording it (issue 21) ----
# wireguard-go is started held (a shell waiting on a pipe) until its PID is
# recorded; killed in that window, up leaves nothing that runs.
wg_running() { # the PIDs of every wireguard-go for $IFC
    local f
    for f in /proc/[0-9]*/cmdline; do
        tr '\0' ' ' 2>/dev/null <"$f" | grep -q "^[^ ]*wireguard-go $IFC \?$" && echo "${f//[^0-9]/}"
    done
}
left_after_down() {
    wg_running | sed 's/^/wireguard-go /'
    ip -n "$TOPO_HOST" link show "$IFC" >/dev/null 2>&1 && echo "interface $IFC"
    [ -e "/run/netns/$JAIL" ] && echo "namespace $JAIL"
}
for round in converge down; do
    quiet jail_cmd down "$JAIL"
    if ! up_stopped wireguard-go-started --no-supervisor; then fail "up did not stop after wireguard-go-started"; kill_up; continue; fi
    held=$(ps -o pid= --ppid "$UP_PID" | tr -d ' ' | head -n1)
    check "$round: up stopped with wireguard-go held, not yet recorded" \
        sh -c 'tr "\0" " " <"/proc/$1/cmdline" | grep -q "read -r go" && [ ! -s "$2" ]' sh "$held" "/run/netns-jail/$JAIL.pid"
    kill_up
    check "$round: the held wireguard-go ends with the up that started it" wait_for 3 test ! -d "/proc/$held"
    check_eq "$round: no wireguard-go runs for $IFC" "" "$(wg_running)"
    if [ "$round" = converge ]; then
        out=$(jail_cmd up "$JAIL" --userspace --no-supervisor 2>&1)
        check "up after the killed up succeeds" test $? -eq 0 || printf '       %s\n' "$out"
        check "up after the killed up: verify passes" quiet jail_cmd verify "$JAIL"
    fi
    quiet jail_cmd down "$JAIL"
    check_eq "$round: after down nothing is left (wireguard-go, interface, namespace)" "" "$(left_after_down)"
done
# Control: a wireguard-go that nothing recorded, as a killed up left it
# before: down leaves it and its interface, and the next up fails.
quiet jail_cmd down "$JAIL"
WG_PROCESS_FOREGROUND=1 nsenter --net="/run/netns/$TOPO_HOST" -- wireguard-go "$IFC" >/dev/null 2>&1 &
stray=$!
on_exit "kill_pid $stray"
wait_for 5 ip -n "$TOPO_HOST" link show "$IFC"
quiet jail_cmd down "$JAIL"
check "control: down leaves an unrecorded wireguard-go running" test -d "/proc/$stray"
out=$(jail_cmd up "$JAIL" --userspace --no-supervisor 2>&1)
check_contains "control: and the next up fails" "already exists here" "$out"
kill_pid "$stray"; wait_for 5 sh -c '! ip -n "$1" link show "$2" >/dev/null 2>&1' sh "$TOPO_HOST" "$IFC"

# --- 13. a full /run/netns-jail ------------------------------------------------
# up_in_small_run FILL: `up` (then `down`) in a private mount namespace
# whose /run/netns-jail is a 256 KiB tmpfs, filled first when FILL=full;
# prints up's output and "status N". The jail's namespace file is mounted
# in that mount namespace only, and `down` there removes it.
up_in_small_run() {
    unshare -m --propagation private sh -c '
        mount -t tmpfs -o size=256k,mode=0755 nxe2f-run /run/netns-jail || exit 99
        [ "$1" = full ] && dd if=/dev/zero of=/run/netns-jail/fill bs=4k >/dev/null 2>&1
        nsenter --net="/run/netns/$2" -- "$3" --config "$4" up "$5" --userspace --no-supervisor --handshake-timeout 0 2>&1
        echo "status $?"
        nsenter --net="/run/netns/$2" -- "$3" --config "$4" down "$5" >/dev/null 2>&1' \
        sh "$1" "$TOPO_HOST" "$TOPO_JAIL_BIN" "$TOPO_JAIL_CONF" "$JAIL"
}
quiet jail_cmd down "$JAIL"
out=$(up_in_small_run full)
check_contains "full /run/netns-jail: up fails (status 1)" "status 1" "$out"
# The notes before it say what up did and undid; the failure is one line,
# the last.
# (The first file written there is the jail's live resolv.conf, step 1.)
check_eq "full /run/netns-jail: up's last line is the errno's text with the path" \
    "netns-jail: writing /run/netns-jail/$JAIL/resolv.conf: No space left on device" \
    "$(grep -v '^status ' <<<"$out" | tail -n 1)"
check_not_contains "full /run/netns-jail: no Foundation error" "CocoaError" "$out"
check_eq "full /run/netns-jail: no other line says why" 1 "$(grep -c 'No space left' <<<"$out")"
check_eq "full /run/netns-jail: nothing of the jail is left" "" "$(left_after_down)"
check "full /run/netns-jail: no resolv.conf left" test ! -e "/etc/netns/$JAIL/resolv.conf"
out=$(up_in_small_run room)
check_contains "control: with room in the same tmpfs, up succeeds" "status 0" "$out"
check_eq "control: and its down leaves nothing" "" "$(left_after_down)"

# --- 6. SIGPIPE -------------------------------------------------------------------
sed "s/^Endpoint = .*/Endpoint = 192.0.2.200:$TOPO_WG_PORT/" "$TOPO_DIR/$IFC.conf" >"$TOPO_DIR/unreachable.conf"
topo_jail_config nxe2f_pipe nxe2f1 "$TOPO_DIR/unreachable.conf"
on_exit "topo_jail_sweep nxe2f_pipe nxe2f1"
in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$TOPO_JAIL_CONF" up nxe2f_pipe --userspace --handshake-timeout 1 2>&1 | head -c 1 >/dev/null
sleep 0.5
check "a failing up with a closed stderr still rolls back" \
    test ! -e /run/netns/nxe2f_pipe -a ! -e /etc/netns/nxe2f_pipe -a ! -e /run/netns-jail/nxe2f_pipe.pid

topo_suite_end

#!/bin/bash
# End to end: `publish` and `host-service` (issue 15, items 2 and 3). The
# jail is built by the real netns-jail in the simulated host (hostsim,
# Tests/lib/topology.sh), whose loopback plays the host's; jailed servers
# are run by the test user through the real launcher. Checks:
#  1. a published port answers on the host's 127.0.0.1 with a jailed HTTP
#     server's page, and nothing else of the jail is reachable (control: an
#     unpublished jailed server answers inside the jail but not from the
#     host); the jail still has only lo and the tunnel; status and
#     status --json list the relays; the relay runs as its own user
#     netns-relay with no capabilities, and a process of the shared uid
#     nobody cannot signal it or lower its limits (control: it can do both
#     to another nobody process); without that user `up` refuses with one
#     line and builds nothing; qbittorrent-nox's web UI, run in the jail, answers on
#     the host's 127.0.0.1;
#  2. the Unix-socket form has the configured owner and mode: its owner
#     reaches the jailed page, another user is refused; without group= its
#     group is root's and group bits are refused; with group= a member gets
#     through and a user outside it is refused (control: the owner's
#     primary group, shared by every test user as `users` is on Slackware,
#     would have let that user in);
#  3. a listed host service answers inside the jail, an unlisted one does
#     not (control: it answers on the host);
#  4. half-close and more than a buffer of data cross the relay; jailed and
#     host clients resetting hundreds of connections and 300 connections
#     held at once leave the relay running, within its descriptor bound,
#     and the other relays answering meanwhile;
#  5. live edits: a publish line added then removed is applied by `up`, with
#     the jailed server (and its PID) untouched; an edit that adds a line
#     whose port something else already holds on the host (a user's
#     mistake) makes `up` fail with one line naming that line, while every
#     unchanged line keeps serving on the very same listening socket and a
#     good line added with it is served; status names the unserved line;
#     once the port is free, `up` again serves it;
#  6. SIGKILL of the supervisor takes the relay with it; `up` brings both
#     back; `down` removes the relay's files;
#  7. `up` stopped after the namespace step while the supervisor's relay
#     starts (what a slow machine does): it still names each relay.
# Every socket is inside this suite's namespaces; the ports come from
# take_port (below the ephemeral range, where the suite's own bursts of
# client connections cannot hold them first).
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
topo_suite_begin "EndToEnd/60 publish and host-service relays" nxe2r "$0" "$@"
require_cmd qbittorrent-nox

JAIL=nxe2r_jail IFC=nxe2r0 USR=nxe2r_user OTHER=nxe2r_other
tag=r$$
work=$TOPO_DIR/r
peer=$REPO_ROOT/Tests/lib/relaypeer.py
# The system python: users cannot run root's pyenv shims.
PY=/usr/bin/python3
SOCK=/run/netns-jail/$JAIL/webui.sock

topo_build "$TOPO_DIR" || { fail "topology could not be built"; suite_end; }
# Each port serves in hostsim (the host), in the jail, or in both.
for v in P_WEB J_WEB J_HIDDEN P_COUNT J_COUNT H_SVC H_UNLISTED P_EDIT P_EDIT2 P_TAKEN P_QBT; do
    take_port "$v" "$TOPO_HOST" "$JAIL" || { fail "no free port for $v"; suite_end; }
done
topo_client_config "$TOPO_DIR/$IFC.conf" "$TOPO_DIR/hook-ran"
make_test_user "$USR" || { fail "test user"; suite_end; }
make_test_user "$OTHER" || { fail "second test user"; suite_end; }
THIRD=nxe2r_third GRP=nxe2r_grp
make_test_user "$THIRD" || { fail "third test user"; suite_end; }
make_test_group "$GRP" && usermod -a -G "$GRP" "$OTHER" || { fail "test group"; suite_end; }
GSOCK=/run/netns-jail/$JAIL/group.sock
nscd -i passwd 2>/dev/null
launcher=$(install_launcher "$TOPO_DIR/prefix") || { fail "install_launcher"; suite_end; }
write_test_policy "$JAIL $USR require=$IFC"
install -d -m 0755 "$work" "$work/www" "$work/host"
echo "jailed-web-$tag" >"$work/www/index.html"
echo "host-service-$tag" >"$work/host/index.html"
on_exit "rm -rf /run/netns-jail/$JAIL /run/netns-jail/$JAIL.relay"

write_config() { # extra lines after the base section
    : >"$TOPO_JAIL_CONF"
    topo_jail_config "$JAIL" "$IFC" "$TOPO_DIR/$IFC.conf"
    (umask 077; printf '%s\n' "$@" >>"$TOPO_JAIL_CONF")
}
relays=("publish = 127.0.0.1:$P_WEB:$J_WEB"
        "publish = unix:$SOCK:$J_WEB owner=$USR mode=0600"
        "publish = unix:$GSOCK:$J_WEB owner=$USR group=$GRP mode=0660"
        "publish = 127.0.0.1:$P_COUNT:$J_COUNT"
        "publish = 127.0.0.1:$P_QBT"
        "host-service = 127.0.0.1:$H_SVC")
write_config "${relays[@]}"
fds_are() { [ "$(ls "/proc/$rp/fd" | wc -l)" -eq "$1" ]; }
relay_pid() { sed -n 's/^pid \([0-9]*\).*/\1/p' "/run/netns-jail/$JAIL.relay" 2>/dev/null; }
from_host() { host_run "$OTHER" curl -sS -m 3 "$@" 2>&1; }
jailed() { host_run "$USR" "$launcher" "$JAIL" "$@"; }

# Host services in hostsim, as root: one listed, one not.
nsenter --net="/run/netns/$TOPO_HOST" -- "$PY" -m http.server --bind 127.0.0.1 --directory "$work/host" "$H_SVC" >"$work/hsvc.log" 2>&1 &
on_exit "kill_pid $!"
nsenter --net="/run/netns/$TOPO_HOST" -- "$PY" -m http.server --bind 127.0.0.1 --directory "$work/host" "$H_UNLISTED" >"$work/hunl.log" 2>&1 &
on_exit "kill_pid $!"

# The relay's own user: the suite removes it (restored at exit when the
# machine had it), shows `up` refusing without it, then creates it.
RELAY_USER=netns-relay
old_relay=$(getent passwd "$RELAY_USER" | cut -d: -f3,4)
add_relay_user() { # [UID GID]
    groupadd -r ${2:+-g "$2"} "$RELAY_USER" && useradd -r ${1:+-u "$1"} -g "$RELAY_USER" -d / -s /bin/false "$RELAY_USER"
    nscd -i passwd 2>/dev/null; nscd -i group 2>/dev/null; true
}
userdel -f "$RELAY_USER" >/dev/null 2>&1; groupdel "$RELAY_USER" >/dev/null 2>&1; nscd -i passwd 2>/dev/null
if [ -n "$old_relay" ]; then
    on_exit "userdel -f $RELAY_USER; groupdel $RELAY_USER; add_relay_user ${old_relay%:*} ${old_relay#*:}"
else
    on_exit "userdel -f $RELAY_USER; groupdel $RELAY_USER; nscd -i passwd"
fi
check_refusal netns-jail 2 "without its user, up refuses publish lines" \
    "the relay's user netns-relay does not exist, so publish and host-service lines cannot be served; create it" jail_cmd up "$JAIL"
check "... and builds nothing" test ! -e "/run/netns/$JAIL"
add_relay_user || fail "creating the relay's user"

topo_jail_up "$JAIL" "$IFC" >"$TOPO_DIR/up.out" 2>&1
check "netns-jail up builds the jail with its relays" test $? -eq 0 -a -e "/run/netns/$JAIL"
[ -e "/run/netns/$JAIL" ] || { cat "$TOPO_DIR/up.out"; topo_suite_end; }
check_contains "up names each relay it started" "relays publish 127.0.0.1:$P_WEB -> jail 127.0.0.1:$J_WEB" "$(cat "$TOPO_DIR/up.out")"

# Jailed servers, run by the test user through the launcher.
host_run_bg WEB_PID "$work/web.log" "$USR" "$launcher" "$JAIL" "$PY" -m http.server --bind 127.0.0.1 --directory "$work/www" "$J_WEB"
host_run_bg HIDDEN_PID "$work/hidden.log" "$USR" "$launcher" "$JAIL" "$PY" -m http.server --bind 127.0.0.1 --directory "$work/www" "$J_HIDDEN"
host_run_bg COUNT_PID "$work/count.log" "$USR" "$launcher" "$JAIL" "$PY" "$peer" serve-count 127.0.0.1 "$J_COUNT"
wait_for 10 jailed curl -sf -m 1 -o /dev/null "http://127.0.0.1:$J_WEB/" || fail "the jailed web server did not start"
wait_for 10 jailed curl -sf -m 1 -o /dev/null "http://127.0.0.1:$J_HIDDEN/" || fail "the second jailed web server did not start"

# --- 1. publish on 127.0.0.1 ------------------------------------------------------
check_eq "a published port answers on the host's 127.0.0.1 with the jailed page (any local user)" \
    "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_WEB/")"
check_eq "control: the unpublished jailed server answers inside the jail" \
    "jailed-web-$tag" "$(jailed curl -sS -m 3 "http://127.0.0.1:$J_HIDDEN/" 2>&1)"
check "the unpublished jailed port is unreachable from the host" \
    test "$(from_host -o /dev/null -w '%{http_code}' "http://127.0.0.1:$J_HIDDEN/")" != 200
check "the jailed web port itself is not open on the host (only the published one is)" \
    test "$(from_host -o /dev/null -w '%{http_code}' "http://127.0.0.1:$J_WEB/")" != 200
check_eq "the jail still has only lo and the tunnel" "lo $IFC" \
    "$(ip -n "$JAIL" -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort | paste -sd' ')"
rp=$(relay_pid)
fds0=$(ls "/proc/$rp/fd" | wc -l)
st=$(jail_cmd status "$JAIL"); rc=$?
check "status exits 0 with every relay served" test "$rc" -eq 0
check_contains "status lists the published port and the relay's PID" \
    "relay:       publish 127.0.0.1:$P_WEB -> jail 127.0.0.1:$J_WEB (PID $rp)" "$st"
check_contains "status lists the host service" "relay:       host-service jail 127.0.0.1:$H_SVC -> host 127.0.0.1:$H_SVC (PID $rp)" "$st"
js=$(jail_cmd status --json "$JAIL")
check_contains "status --json lists the relays" "\"publish unix:$SOCK (owner $USR, mode 0600) -> jail 127.0.0.1:$J_WEB\"" "$js"
check_contains "status --json has the relay's PID" "\"relayPID\" : $rp" "$js"
relay_uid=$(id -u "$RELAY_USER")
check_eq "the relay runs as its own user, netns-relay" "$relay_uid $relay_uid $relay_uid $relay_uid" \
    "$(awk '/^Uid:/{print $2, $3, $4, $5}' "/proc/$rp/status")"
check_eq "... with netns-relay's group" "$(id -g "$RELAY_USER")" "$(awk '/^Gid:/{print $2}' "/proc/$rp/status")"
check_eq "the relay has no capabilities and no supplementary groups" "0000000000000000 0000000000000000 " \
    "$(awk '/^CapEff:/{e=$2} /^CapPrm:/{p=$2} /^Groups:/{g=$2} END{print e, p, g}' "/proc/$rp/status")"
check_eq "the relay has NoNewPrivs set" 1 "$(awk '/^NoNewPrivs:/{print $2}' "/proc/$rp/status")"
# Another process of the shared uid `nobody` (which the relay used to run
# as) can neither signal the relay nor lower its limits.
as_nobody() { setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups "$@"; }
nofile=$(awk '/^Max open files/{print $4, $5}' "/proc/$rp/limits")
check "a nobody process cannot signal the relay" test "$(as_nobody kill -0 "$rp" 2>/dev/null; echo $?)" -ne 0
check "... nor stop it" test "$(as_nobody kill -STOP "$rp" 2>/dev/null; echo $?)" -ne 0
check "... nor lower its descriptor limit" test "$(as_nobody prlimit --pid "$rp" --nofile=4:4 2>/dev/null; echo $?)" -ne 0
check_eq "its descriptor limit is unchanged" "$nofile" "$(awk '/^Max open files/{print $4, $5}' "/proc/$rp/limits")"
# (setpriv itself in the background, so that $! is the process that
# becomes nobody, not a subshell that stays root.)
setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups sleep 60 &
victim=$!
on_exit "kill_pid $victim"
wait_for 5 sh -c "awk '/^Uid:/{print \$3}' /proc/$victim/status | grep -qx $(id -u nobody)" || fail "the nobody process did not start"
check "control: a nobody process can signal another nobody process" as_nobody kill -0 "$victim"
check "control: ... and lower its descriptor limit" as_nobody prlimit --pid "$victim" --nofile=4:4
check_eq "control: ... which then has that limit" "4 4" "$(awk '/^Max open files/{print $4, $5}' "/proc/$victim/limits")"

# qbittorrent-nox's own web UI, run by the test user in the jail, listening
# on the jail's loopback only (WebUI\Address), published on the host.
install -d -m 0700 -o "$USR" "$work/qbt" "$work/qbt/qBittorrent" "$work/qbt/qBittorrent/config"
printf '[LegalNotice]\nAccepted=true\n\n[Preferences]\nWebUI\\Address=127.0.0.1\nWebUI\\Port=%s\n' "$P_QBT" \
    >"$work/qbt/qBittorrent/config/qBittorrent.conf"
chown "$USR" "$work/qbt/qBittorrent/config/qBittorrent.conf"
host_run_bg QBT_PID "$work/qbt.log" "$USR" "$launcher" "$JAIL" qbittorrent-nox --profile="$work/qbt"
wait_for 20 jailed curl -sf -m 1 -o /dev/null "http://127.0.0.1:$P_QBT/" || fail "qbittorrent-nox's web UI did not start in the jail"
check_contains "qbittorrent-nox's web UI, in the jail, answers on the host's 127.0.0.1" "qBittorrent" \
    "$(from_host "http://127.0.0.1:$P_QBT/")"
check_eq "... and its Web API answers (403 until logged in: the host reached qBittorrent itself)" 403 \
    "$(from_host -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_QBT/api/v2/app/preferences")"

# --- 2. the Unix-socket form --------------------------------------------------------
check_eq "the published Unix socket has the configured owner and mode" "$USR 600 socket" \
    "$(stat -c '%U %a %F' "$SOCK" | sed 's/ file$//')"
check_eq "its owner reaches the jailed page through it" "jailed-web-$tag" \
    "$(host_run "$USR" curl -sS -m 3 --unix-socket "$SOCK" "http://jail/" 2>&1)"
check_contains "another user is refused by the socket's mode (EACCES)" "Permission denied" \
    "$(host_run "$OTHER" "$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$SOCK" 2>&1)"
check_eq "... and gets nothing through curl either" "" \
    "$(host_run "$OTHER" curl -s -m 3 --unix-socket "$SOCK" "http://jail/" 2>/dev/null)"
check_eq "without group=, the socket's group is root's, not the owner's primary group" "root" "$(stat -c %G "$SOCK")"
check_eq "with group=, the socket has that group and mode" "$USR $GRP 660" "$(stat -c '%U %G %a' "$GSOCK")"
check_eq "a member of the group reaches the jailed page through it" "jailed-web-$tag" \
    "$(host_run "$OTHER" curl -sS -m 3 --unix-socket "$GSOCK" "http://jail/" 2>&1)"
check_contains "a user outside the group who shares the owner's primary group is refused" "Permission denied" \
    "$(host_run "$THIRD" "$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$GSOCK" 2>&1)"
# Control: the test users all have the primary group nogroup, as Slackware's
# have `users`: a 0660 socket of the owner's primary group admits them all.
chgrp "$(id -gn "$USR")" "$GSOCK"
check_eq "control: with the owner's primary group, that same user gets through" "jailed-web-$tag" \
    "$(host_run "$THIRD" curl -sS -m 3 --unix-socket "$GSOCK" "http://jail/" 2>&1)"
chgrp "$GRP" "$GSOCK"
(umask 077; { cat "$TOPO_JAIL_CONF"; echo "publish = unix:/run/netns-jail/$JAIL/bad.sock:$J_WEB owner=$USR mode=0660"; } >"$work/bad.conf")
check_refusal netns-jail 2 "mode=0660 without group= is refused" "add group=GROUP" \
    in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$work/bad.conf" status "$JAIL"

# --- 3. host-service ----------------------------------------------------------------
check_eq "a listed host service answers inside the jail" "host-service-$tag" \
    "$(jailed curl -sS -m 3 "http://127.0.0.1:$H_SVC/" 2>&1)"
check_eq "control: the unlisted host service answers on the host" "host-service-$tag" \
    "$(from_host "http://127.0.0.1:$H_UNLISTED/")"
check "an unlisted host service is unreachable from inside the jail" \
    test "$(jailed curl -sS -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$H_UNLISTED/" 2>/dev/null)" != 200

# --- 4. half-close, resets, many connections ----------------------------------------
check_eq "half-close and 1 MiB cross the relay (the jailed server reads to the end, then answers)" \
    "got 1048576" "$(host_run "$OTHER" "$PY" "$peer" send-count 127.0.0.1 "$P_COUNT" 1048576 2>&1)"
# python's http.server accepts with a backlog of 5, so under this burst it
# may refuse a connection now and then, which the relay passes on as a
# reset: at least 290 of 300 must get through.
n=$(jailed "$PY" "$peer" resets 127.0.0.1 "$H_SVC" 300 2>&1)
check "jailed clients reset 300 connections to the host service ($n connected)" test "$n" -ge 290 2>/dev/null
n=$(host_run "$OTHER" "$PY" "$peer" resets 127.0.0.1 "$P_WEB" 300 2>&1)
check "host clients reset 300 connections to a published port ($n connected)" test "$n" -ge 290 2>/dev/null
check_eq "after the resets the relay is the same process" "$rp" "$(relay_pid)"
check_eq "after the resets the host service still answers inside" "host-service-$tag" \
    "$(jailed curl -sS -m 3 "http://127.0.0.1:$H_SVC/" 2>&1)"
# The jailed servers close their side of the reset connections at their
# own pace; then the relay holds none of them.
wait_for 20 fds_are "$fds0"
check_eq "after the resets the relay holds no connection (back to its idle descriptors)" "$fds0" "$(ls "/proc/$rp/fd" | wc -l)"
host_run_bg HOLD_PID "$work/hold.out" "$OTHER" "$PY" "$peer" hold 127.0.0.1 "$P_COUNT" 300 6
sleep 3
fds=$(ls "/proc/$rp/fd" | wc -l)
echo "       relay descriptors: $fds0 idle, $fds with 300 connections held on one published port"
check "300 connections at once: the relay holds at most 64 of them (2 descriptors each)" test "$fds" -le $((fds0 + 128)) -a "$fds" -ge $((fds0 + 100))
check_eq "... while another published port still answers" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_WEB/")"
rss=$(awk '/^VmRSS:/{print $2}' "/proc/$rp/status")
echo "       relay resident memory with 64 connections: $rss kB"
check "... and the relay stays under 32 MiB of memory" test "$rss" -lt 32768
wait_for 15 test ! -d "/proc/$HOLD_PID"
wait_for 20 fds_are "$fds0"
check_eq "after they close, the relay is back to its idle descriptors" "$fds0" "$(ls "/proc/$rp/fd" | wc -l)"
check_eq "and the counted port answers again" "got 5" "$(host_run "$OTHER" "$PY" "$peer" send-count 127.0.0.1 "$P_COUNT" 5 2>&1)"

# --- 5. live edits ------------------------------------------------------------------
check "control: before the edit, the added port does not answer" \
    test "$(from_host -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_EDIT/")" != 200
write_config "${relays[@]}" "publish = 127.0.0.1:$P_EDIT:$J_HIDDEN"
out=$(jail_cmd up "$JAIL" 2>&1); rc=$?
check "up applies an added publish line (exit 0)" test "$rc" -eq 0
check_contains "up says what it applied" "updated $JAIL: relays publish 127.0.0.1:$P_EDIT -> jail 127.0.0.1:$J_HIDDEN" "$out"
check_eq "the added port answers" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_EDIT/")"
check "the jailed server kept running through the edit" test -d "/proc/$WEB_PID"
check_eq "... and still answers through its published port" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_WEB/")"
write_config "${relays[@]}"
quiet() { "$@" >/dev/null 2>&1; }
check "up applies the removal" quiet jail_cmd up "$JAIL"
check "the removed port no longer answers" \
    test "$(from_host -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_EDIT/")" != 200
check_contains "unchanged relays: up says nothing changed" "$JAIL is already up and healthy; nothing changed" "$(jail_cmd up "$JAIL" 2>&1)"

# An edit that adds a line whose host port something else holds (as a user
# would, by mistake), and a good line with it.
nsenter --net="/run/netns/$TOPO_HOST" -- "$PY" -m http.server --bind 127.0.0.1 --directory "$work/host" "$P_TAKEN" >"$work/taken.log" 2>&1 &
taken=$!
on_exit "kill_pid $taken"
wait_for 5 in_ns "$TOPO_HOST" curl -sf -m 1 -o /dev/null "http://127.0.0.1:$P_TAKEN/"
listener() { in_ns "$TOPO_HOST" ss -Htlne "sport = :$1" | grep -o 'ino:[0-9]*'; }
web_socket=$(listener "$P_WEB")
rp_before=$(relay_pid)
bad="publish 127.0.0.1:$P_TAKEN -> jail 127.0.0.1:$J_WEB"
write_config "${relays[@]}" "publish = 127.0.0.1:$P_TAKEN:$J_WEB" "publish = 127.0.0.1:$P_EDIT2:$J_HIDDEN"
out=$(jail_cmd up "$JAIL" 2>&1); rc=$?
check "a published port already taken on the host: up exits 1" test "$rc" -eq 1
check_eq "... with one line (besides the config's warnings)" 1 \
    "$(printf "%s\n" "$out" | grep -vc '^netns-jail: warning: ')"
line=$(printf "%s\n" "$out" | grep -v '^netns-jail: warning: ')
check_contains "... that starts netns-jail: and names the line" "netns-jail: $JAIL cannot serve $bad (" "$line"
check_contains "... and the reason" "bind(127.0.0.1:$P_TAKEN): Address already in use" "$line"
check_contains "... and the fix" "fix that line in netns-jail.conf (or stop what holds its port) and run up again" "$line"
check_eq "the unchanged published port still answers with the jailed page" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_WEB/")"
check_eq "... on the very same listening socket (taken over, never closed)" "$web_socket" "$(listener "$P_WEB")"
check "... served by a new relay" test -n "$(relay_pid)" -a "$(relay_pid)" != "$rp_before"
check "... which ended the old one" wait_for 5 test ! -d "/proc/$rp_before"
check_eq "the unchanged Unix socket still answers" "jailed-web-$tag" \
    "$(host_run "$USR" curl -sS -m 3 --unix-socket "$SOCK" "http://jail/" 2>&1)"
check_eq "the unchanged host service still answers inside" "host-service-$tag" \
    "$(jailed curl -sS -m 3 "http://127.0.0.1:$H_SVC/" 2>&1)"
check_eq "the good line added in the same edit is served" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_EDIT2/")"
check_eq "what holds the taken port still answers there (the relay took nothing from it)" "host-service-$tag" \
    "$(from_host "http://127.0.0.1:$P_TAKEN/")"
st=$(jail_cmd status "$JAIL"); rc=$?
check_eq "status exits 1 (unhealthy)" 1 "$rc"
check_contains "status shows the line not served" "relay:       $bad (not served)" "$st"
check_contains "status says why" "problem:     $bad is not served: bind(127.0.0.1:$P_TAKEN): Address already in use" "$st"
check_contains "status still shows the unchanged line served, with the relay's PID" \
    "relay:       publish 127.0.0.1:$P_WEB -> jail 127.0.0.1:$J_WEB (PID $(relay_pid))" "$st"
unserved_json() { jail_cmd status --json "$JAIL" 2>/dev/null | "$PY" -c 'import json, sys
def find(v):
    if isinstance(v, dict):
        if "unservedRelays" in v: return v["unservedRelays"]
        v = list(v.values())
    if isinstance(v, list):
        for x in v:
            r = find(x)
            if r is not None: return r
print("|".join(find(json.load(sys.stdin)) or []))'; }
check_eq "status --json lists only that line in unservedRelays" "$bad" "$(unserved_json)"
kill_pid "$taken"
wait "$taken" 2>/dev/null
out=$(jail_cmd up "$JAIL" 2>&1); rc=$?
check "with the port given back, up serves the line (exit 0)" test "$rc" -eq 0
check_eq "... the once-taken port now reaches the jailed page" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_TAKEN/")"
check_eq "... the unchanged port is still on its first listening socket" "$web_socket" "$(listener "$P_WEB")"
check "... and status exits 0" quiet jail_cmd status "$JAIL"
check_eq "... with no line unserved" "" "$(unserved_json)"
write_config "${relays[@]}"
check "removing the two lines again: up exits 0" quiet jail_cmd up "$JAIL"
check_eq "... and the published page answers" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_WEB/")"

# --- 6. SIGKILL of the supervisor, down ---------------------------------------------
sup=$(topo_record_pid "/run/netns-jail/$JAIL.supervisor.pid")
rp=$(relay_pid)
kill -9 "$sup"
check "SIGKILL of the supervisor: its relay dies with it" wait_for 5 test ! -d "/proc/$rp"
check "... and the published port stops answering" \
    test "$(from_host -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_WEB/")" != 200
check "... status says nothing serves the relays" test "$(jail_cmd status "$JAIL" >/dev/null 2>&1; echo $?)" -eq 1
check "up restarts the supervisor and the relay" quiet jail_cmd up "$JAIL"
check_eq "the published port answers again" "jailed-web-$tag" "$(from_host "http://127.0.0.1:$P_WEB/")"
check_eq "the Unix socket answers again" "jailed-web-$tag" "$(host_run "$USR" curl -sS -m 3 --unix-socket "$SOCK" "http://jail/" 2>&1)"
check_eq "the host service answers inside again" "host-service-$tag" "$(jailed curl -sS -m 3 "http://127.0.0.1:$H_SVC/" 2>&1)"
check "status exits 0 again" quiet jail_cmd status "$JAIL"
rp=$(relay_pid)
quiet jail_cmd down "$JAIL" --kill
check "down ends the relay" wait_for 5 test ! -d "/proc/$rp"
check "down removes the relay's state file and socket directory" \
    test ! -e "/run/netns-jail/$JAIL.relay" -a ! -e "/run/netns-jail/$JAIL"

# --- 7. a slow up: the supervisor's relay comes first --------------------------------
# The supervisor starts as soon as the namespace exists and reads the
# configuration itself; on a slow machine (a TCG guest, Tests/Guest) its
# relay serves every line before up reaches its own relay step, and up then
# named none. up stopped right after the namespace step
# (NETNS_JAIL_STOP_AFTER, as in EndToEnd/40) makes that order certain here.
NETNS_JAIL_STOP_AFTER=namespace nsenter --net="/run/netns/$TOPO_HOST" -- \
    "$TOPO_JAIL_BIN" --config "$TOPO_JAIL_CONF" up "$JAIL" >"$work/up-slow.out" 2>&1 &
up_pid=$!
on_exit "kill -9 $up_pid 2>/dev/null"
wait_for 10 grep -q '^State:.*T' "/proc/$up_pid/status"
relay_listens() { in_ns "$TOPO_HOST" ss -Hltn "sport = :$P_WEB" | grep -q LISTEN; }
check "control: with up stopped after the namespace, the supervisor's relay already listens on $P_WEB" \
    wait_for 15 relay_listens
kill -CONT "$up_pid"
wait "$up_pid"; rc=$?
check "... then up finishes (exit 0)" test "$rc" -eq 0
check_contains "... and still names each relay of the jail it built" \
    "relays publish 127.0.0.1:$P_WEB -> jail 127.0.0.1:$J_WEB" "$(cat "$work/up-slow.out")"
quiet jail_cmd down "$JAIL" --kill
topo_suite_end

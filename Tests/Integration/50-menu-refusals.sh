#!/bin/bash
# A refusal a desktop user sees. From a menu entry stderr goes nowhere a
# person looks, so when stderr is not a terminal netns-exec also shows the
# reason as a desktop notification (DesktopNotice.swift). A session bus of
# the test's own with a stand-in notification server count the Notify calls:
#  - jail down (namespace missing): one Notify with the reason;
#  - tunnel down (require=, refused inside the jail's network namespace)
#    with the bus on an abstract socket, which exists per network
#    namespace: the notice still arrives, so it was sent from the caller's;
#  - the same refusal on a terminal: no Notify (control: the count moves
#    only for menu launches);
#  - a launch that works: no Notify;
#  - notices are titled with the menu entry's name (--menu-name=, as
#    netns-jail desktop writes it) or the command, at normal urgency, and a
#    refused launch names the link it leaves unopened (markup made text);
#  - the first launch of a program in a jail tells once (a notice from a
#    menu, a line on a terminal) that it runs with its own settings and how
#    to copy the usual ones; a refused launch does not use it up.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-menu-refusals
require_root
require_cmd setcap ip setpriv dbus-daemon dbus-send notify-send script
/usr/bin/python3 -c 'import jeepney' 2>/dev/null || { skip "python3-jeepney (make test-deps)"; suite_end; }

NS=nxmn_ns
USR=nxmn_user
make_scratch_dir SCRATCH
NX=$(install_launcher "$SCRATCH") || { fail "install the test build"; suite_end; }
make_test_user $USR
make_netns $NS
# No /etc/netns/NAME for these: resolver=host says that is meant.
write_test_policy "$NS $USR resolver=host
nxmn_down $USR require=nxmn0 resolver=host
nxmn_gone $USR resolver=host"
make_netns nxmn_down
install -d -m 0700 -o $USR "$SCRATCH/bus"

# The user's session bus, on an abstract socket (per network namespace),
# and a stand-in notification server on it that logs each Notify call
# (Tests/lib/notifyd.py; Debian's python3 with python3-jeepney).
BUS="unix:abstract=nxmn-$$-$RANDOM"
bg_as_user DAEMON $USR dbus-daemon --session --nofork --nopidfile --address="$BUS" >"$SCRATCH/bus/daemon.log" 2>&1
wait_for 5 as_user $USR env DBUS_SESSION_BUS_ADDRESS="$BUS" dbus-send --session --dest=org.freedesktop.DBus \
    --type=method_call --print-reply / org.freedesktop.DBus.ListNames || { fail "session bus did not start"; suite_end; }
NOTES=$SCRATCH/bus/notices.log
bg_as_user NOTIFYD $USR env DBUS_SESSION_BUS_ADDRESS="$BUS" /usr/bin/python3 "$REPO_ROOT/Tests/lib/notifyd.py" "$NOTES" \
    >"$SCRATCH/bus/notifyd.out" 2>&1
wait_for 5 grep -q ready "$NOTES" || { fail "notification server did not start"; cat "$SCRATCH/bus/notifyd.out"; suite_end; }
notices() { grep -c "^notify" "$NOTES"; }
check_eq "control: notify-send as the user reaches the server" 1 \
    "$(as_user $USR env DBUS_SESSION_BUS_ADDRESS="$BUS" notify-send nxmn control >/dev/null 2>&1; wait_for 5 grep -q control "$NOTES"; notices)"

# menu_launch NAMESPACE: as a menu would: no terminal anywhere.
menu_launch() {
    as_user $USR env DBUS_SESSION_BUS_ADDRESS="$BUS" "$NX" "$1" true </dev/null >/dev/null 2>"$SCRATCH/bus/stderr"
}

menu_launch nxmn_gone; rc=$?
check_eq "jail down, from a menu: refused with 125" 125 $rc
before=1
check "jail down, from a menu: one notification" wait_for 5 grep -q "nxmn_gone" "$NOTES"
check_contains "the notification carries the reason, from netns-exec, titled with the command" "$(printf 'notify\tnetns-exec\ttrue\tnamespace nxmn_gone does not exist')" "$(cat "$NOTES")"
check_eq "the notification is not critical (urgency normal, 1)" "urgency=1" "$(grep nxmn_gone "$NOTES" | head -n1 | awk -F'\t' '{print $5}')"
check_contains "stderr still has the line" "netns-exec: namespace nxmn_gone does not exist" "$(cat "$SCRATCH/bus/stderr")"

before=$(notices)
menu_launch nxmn_down; rc=$?
check_eq "tunnel down, from a menu: refused with 125" 125 $rc
check "tunnel down (refused inside the jail), bus on an abstract socket: the notification arrives" \
    wait_for 5 grep -q "nxmn0" "$NOTES"
# Control: from inside the jail's network namespace the abstract socket is
# out of reach, so the notice had to be sent from the caller's.
check "control: notify-send inside the jail's network namespace cannot reach the bus" \
    test "$(ip netns exec nxmn_down "$AS_USER" $USR \
        env DBUS_SESSION_BUS_ADDRESS="$BUS" notify-send nxmn inside >/dev/null 2>&1; echo $?)" -ne 0

# Control: the same refusal with stderr on a terminal shows no notification.
before=$(notices)
timeout 20 script -qec "$(printf '%q %q env DBUS_SESSION_BUS_ADDRESS=%q %q nxmn_gone true' \
    "$AS_USER" "$USR" "$BUS" "$NX")" /dev/null </dev/null >"$SCRATCH/bus/tty.out" 2>&1
check_contains "on a terminal: the line is shown there" "netns-exec: namespace nxmn_gone does not exist" "$(tr -d '\r' <"$SCRATCH/bus/tty.out")"
sleep 1
check_eq "on a terminal: no notification" "$before" "$(notices)"

# Control: the server tells urgencies apart (a critical one is logged as 2).
as_user $USR env DBUS_SESSION_BUS_ADDRESS="$BUS" notify-send --urgency=critical nxmn critical-control >/dev/null 2>&1
check "control: a critical notification is logged as urgency=2" wait_for 5 grep -q 'critical-control.*urgency=2' "$NOTES"

# From a jailed launcher (netns-jail desktop writes --menu-name=): titled
# with the menu entry's name, and the link left unopened is named, with
# what could be markup made text. One failure, one notice.
before=$(notices)
as_user $USR env DBUS_SESSION_BUS_ADDRESS="$BUS" "$NX" "--menu-name=qBittorrent (VPN)" nxmn_gone qbittorrent \
    --profile x 'magnet:?xt=urn:btih:nxmn&dn=<img src="http://192.0.2.1/x">' </dev/null >/dev/null 2>&1
check "a refused menu launch with a link: a notification" wait_for 5 grep -q 'btih:nxmn' "$NOTES"
sleep 1
check_eq "one failure, one notification" $((before + 1)) "$(notices)"
note=$(grep 'btih:nxmn' "$NOTES")
check_contains "titled with the menu entry's name" "$(printf 'notify\tnetns-exec\tqBittorrent (VPN)\tnamespace nxmn_gone')" "$note"
check_contains "naming the link it leaves unopened, as text" \
    'Not opened: magnet:?xt=urn:btih:nxmn&amp;dn=&lt;img src="http://192.0.2.1/x"&gt;' "$note"

# A launch that works shows nothing.
before=$(notices)
menu_launch $NS; rc=$?
check_eq "a working menu launch exits 0" 0 $rc
sleep 1
check_eq "a working menu launch: no notification" "$before" "$(notices)"

# The first launch of a program in a jail, for a user with a home: one
# notice says it runs with its own settings and how to copy the usual ones;
# the next launch says nothing; a refused launch does not use it up.
# Another user, with a home, and a session bus and notification server of
# its own (a session bus takes only its own uid's clients).
HU=nxmn_home
make_test_user $HU
install -d -m 0700 -o $HU "$SCRATCH/home" "$SCRATCH/hbus"
usermod -d "$SCRATCH/home" $HU
nscd -i passwd 2>/dev/null
write_test_policy "$NS $USR $HU resolver=host
nxmn_down $USR $HU require=nxmn0 resolver=host
nxmn_gone $USR resolver=host"
BUS="unix:abstract=nxmn-home-$$-$RANDOM"
bg_as_user DAEMON2 $HU dbus-daemon --session --nofork --nopidfile --address="$BUS" >"$SCRATCH/hbus/daemon.log" 2>&1
wait_for 5 as_user $HU env DBUS_SESSION_BUS_ADDRESS="$BUS" dbus-send --session --dest=org.freedesktop.DBus \
    --type=method_call --print-reply / org.freedesktop.DBus.ListNames || fail "the second session bus did not start"
NOTES=$SCRATCH/hbus/notices.log
bg_as_user NOTIFYD2 $HU env DBUS_SESSION_BUS_ADDRESS="$BUS" /usr/bin/python3 "$REPO_ROOT/Tests/lib/notifyd.py" "$NOTES" \
    >"$SCRATCH/hbus/notifyd.out" 2>&1
wait_for 5 grep -q ready "$NOTES" || fail "the second notification server did not start"
home_launch() {   # home_launch NAMESPACE CMD...: as a menu would, as $HU
    local ns=$1; shift
    as_user $HU env DBUS_SESSION_BUS_ADDRESS="$BUS" HOME="$SCRATCH/home" "$NX" "--menu-name=Tool (VPN)" "$ns" "$@" \
        </dev/null >/dev/null 2>&1
}
before=$(notices)
home_launch nxmn_down true; rc=$?
check_eq "a refused first launch: 125" 125 $rc
check "a refused first launch: its refusal notice" wait_for 5 grep -q 'Tool (VPN).*nxmn0' "$NOTES"
sleep 1
check_eq "a refused first launch: no first-launch notice" $((before + 1)) "$(notices)"
check "a refused first launch: nothing remembered" test ! -e "$SCRATCH/home/.netns-exec/nxmn_down/launched/true"
before=$(notices)
home_launch $NS true; rc=$?
check_eq "a first launch exits 0" 0 $rc
check "a first launch from a menu: one notice" wait_for 5 grep -q 'its own settings' "$NOTES"
check_contains "titled with the menu name, saying where the settings are and what to run" \
    "$(printf 'notify\tnetns-exec\tTool (VPN)\tRuns in the jail %s with its own settings, kept in ~/.netns-exec/%s/home, not your usual ones. To start from a copy of those, quit it and run: netns-jail settings %s true\turgency=1' $NS $NS $NS)" \
    "$(cat "$NOTES")"
check "remembered, as the user's own file" test "$(stat -c %U "$SCRATCH/home/.netns-exec/$NS/launched/true" 2>/dev/null)" = $HU
home_launch $NS true
sleep 1
check_eq "the second launch: no notice" $((before + 1)) "$(notices)"
# (The command outlives the notice: the line is written as it starts.)
out=$(timeout 20 script -qec "$(printf '%q %q env HOME=%q %q %q sh -c %q' "$AS_USER" $HU "$SCRATCH/home" "$NX" $NS 'sleep 1; printf ok')" /dev/null </dev/null 2>&1 | tr -d '\r')
check_contains "on a terminal, a first launch: one line on stderr" \
    "netns-exec: sh runs in $NS with its own settings, kept in ~/.netns-exec/$NS/home, not your usual ones; to start from a copy of those, quit it and run: netns-jail settings $NS sh" "$out"
out=$(timeout 20 script -qec "$(printf '%q %q env HOME=%q %q %q sh -c %q' "$AS_USER" $HU "$SCRATCH/home" "$NX" $NS 'sleep 1; printf ok')" /dev/null </dev/null 2>&1 | tr -d '\r')
check_eq "on a terminal, the next launch: only the program's output" "ok" "$out"

suite_end

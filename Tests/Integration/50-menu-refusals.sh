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
#  - a launch that works: no Notify.
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
check_contains "the notification carries the reason, from netns-exec" "$(printf 'notify\tnetns-exec\tnetns-exec\tnamespace nxmn_gone does not exist')" "$(cat "$NOTES")"
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

# A launch that works shows nothing.
before=$(notices)
menu_launch $NS; rc=$?
check_eq "a working menu launch exits 0" 0 $rc
sleep 1
check_eq "a working menu launch: no notification" "$before" "$(notices)"

suite_end

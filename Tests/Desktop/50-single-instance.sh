#!/bin/bash
# Programs whose single-instance path goes through the runtime directory or
# the session bus, in the jail session (issue 23): the jail's own runtime
# directory and bus. Real programs under Xvfb in the session of
# Tests/lib/desktop.sh; the oracle is the topology's IP server (a page or
# tracker tagged per launch, seen from the real address 192.0.2.2 or the
# VPN's 203.0.113.1).
#
# qutebrowser, both orders: its IPC socket is in $XDG_RUNTIME_DIR.
#   ordinary copy first, then a jailed launch with a link: the jailed copy
#     opens the link itself, through the VPN; never from the real address.
#   jailed copy first, then an ordinary launch with a link: the ordinary
#     copy opens it, from the real address; the jailed copy never gets it.
#   a second jailed launch reaches the first jailed copy (it hands its link
#     over and exits), through the VPN.
# Controls (state=shared: the user's runtime directory, home and bus, as the
# jail had them before its session): each hand-off crosses the jail, the
# jailed link fetched from the real address, the ordinary one through the
# VPN. The control launches go through `sh -c 'exec ...'`, as in
# Desktop/10: the launcher's own check for a running copy under
# state=shared would refuse them first.
#
# KTorrent: starts in the jail (its name on the jail's bus), and a second
# jailed launch reaches it there and exits. Control: the same launch
# without a bus (the address the jail gave before it had one) exits at once.
#
# Every process is killed by PID; nothing leaves the test's namespaces.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/desktop.sh"
topo_suite_begin "Desktop/50 single-instance programs" nxdi "$0" "$@"
require_cmd Xvfb dbus-daemon dbus-send qutebrowser ktorrent pgrep

JAIL=nxdi_jail IFC=nxdi0 USR=nxdi_user
REAL=$TOPO_HOST_ADDR VPN=$TOPO_VPN_PUBLIC
desk_jail_session "$JAIL" "$IFC" "$USR"

policy() {
    case $1 in
        shared) write_test_policy "$JAIL $USR require=$IFC state=shared" ;;
        *) write_test_policy "$JAIL $USR require=$IFC" ;;
    esac
}
# jailed CMD...: netns-exec JAIL CMD from the session, through a shell (see
# above), bounded.
jailed() { desk_run timeout 60 "$LAUNCHER" "$JAIL" sh -c 'exec "$0" "$@"' "$@"; }
# jailed_bg VAR NAME CMD...: the same in the background, output to NAME.log.
jailed_bg() { local var=$1 name=$2; shift 2; desk_run_bg "$var" "$L/$name.log" "$LAUNCHER" "$JAIL" sh -c 'exec "$0" "$@"' "$@"; }
# on_jail_bus NAME: NAME is owned on the jail's session bus.
on_jail_bus() {
    desk_run timeout 10 "$LAUNCHER" "$JAIL" dbus-send --session --dest=org.freedesktop.DBus --type=method_call \
        --print-reply / org.freedesktop.DBus.ListNames 2>/dev/null | grep -q "string \"$1\""
}
# qb TAG: qutebrowser's command line for a page tagged TAG (its IPC socket
# is $XDG_RUNTIME_DIR/qutebrowser/ipc-HASH, for the user's own basedir).
qb() { printf '%s\n' qutebrowser --backend webengine "$(desk_page "$1")"; }
# qb_socket: the socket of the qutebrowser running outside the jail.
qb_socket() { compgen -G "$DESK_RUNDIR/qutebrowser/ipc-*" >/dev/null; }
qb_stop_all() { desk_stop_in "$JAIL"; desk_stop $(pgrep -u "$DESK_UID" -f '^/usr/bin/python3 /usr/bin/qutebrowser') 2>/dev/null; }

# round MODE: the three qutebrowser launches under MODE (shared or per-jail),
# tags qb-MODE-*.
round() {
    local mode=$1 out jl
    policy "$mode"
    # --- ordinary copy first, then a jailed launch with a link --------------
    mapfile -t cmd < <(qb "qb-$mode-outside")
    desk_run_bg QO "$L/qb-$mode-outside.log" "${cmd[@]}"
    check "$mode: the ordinary qutebrowser runs (its IPC socket)" wait_for 40 qb_socket
    check "$mode: and loads its page from the real address" desk_wait_seen 40 "qb-$mode-outside" "$REAL"
    mapfile -t cmd < <(qb "qb-$mode-jailed")
    jailed_bg QJ "qb-$mode-jailed" "${cmd[@]}"
    if [ "$mode" = shared ]; then
        check "control (state=shared): the jailed launch's link is fetched from the real address (the copy outside got it)" \
            desk_wait_seen 40 "qb-$mode-jailed" "$REAL"
        check "control (state=shared): and the jailed launch exits, its link handed over" wait_for 30 sh -c "! kill -0 $QJ"
    else
        check "jail: the jailed launch opens its link itself, through the VPN" desk_wait_seen 60 "qb-$mode-jailed" "$VPN"
        check_eq "jail: the real address never asked for it" "" "$(desk_seen "qb-$mode-jailed" | grep -xF "$REAL")"
        check "jail: the jailed copy is still running" kill -0 "$QJ"
    fi
    qb_stop_all
    # --- jailed copy first, then an ordinary launch with a link -------------
    mapfile -t cmd < <(qb "qb-$mode-first")
    jailed_bg QJ "qb-$mode-first" "${cmd[@]}"
    check "$mode: the jailed qutebrowser loads its page through the VPN" desk_wait_seen 60 "qb-$mode-first" "$VPN"
    # A second jailed launch: it reaches the first jailed copy.
    mapfile -t cmd < <(qb "qb-$mode-second")
    out=$(jailed "${cmd[@]}" 2>&1); jl=$?
    check_eq "$mode: a second jailed launch hands its link over and exits 0" 0 "$jl"
    check "$mode: the first jailed copy opens it, through the VPN" desk_wait_seen 40 "qb-$mode-second" "$VPN"
    mapfile -t cmd < <(qb "qb-$mode-later")
    desk_run timeout 60 "${cmd[@]}" >"$L/qb-$mode-later.log" 2>&1 &
    if [ "$mode" = shared ]; then
        check "control (state=shared): an ordinary launch's link goes to the jailed copy (through the VPN)" \
            desk_wait_seen 40 "qb-$mode-later" "$VPN"
    else
        check "jail: an ordinary launch opens its link outside, from the real address" \
            desk_wait_seen 60 "qb-$mode-later" "$REAL"
        check_eq "jail: the jailed copy never got it" "" "$(desk_seen "qb-$mode-later" | grep -xF "$VPN")"
    fi
    qb_stop_all
}

round shared
round per-jail

# --- KTorrent: needs a session bus to start at all ------------------------------
policy per-jail
ktorrent_prefs() {
    local dir=$STORE/home/.config
    desk_mkdir "$dir"
    printf '[General]\nshowTrayIcon=false\n[Downloads]\nsaveDir=%s/Downloads\n' "$DESK_HOME" >"$dir/ktorrentrc"
    chown "$DESK_USER" "$dir/ktorrentrc"
}
ktorrent_prefs
out=$(desk_run timeout 30 "$LAUNCHER" "$JAIL" env DBUS_SESSION_BUS_ADDRESS=disabled: ktorrent 2>&1); rc=$?
check "control: KTorrent without a session bus (the jail before its session) exits at once (exit $rc)" \
    test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "control: and says why" "session bus" "$out"
jailed_bg KJ ktorrent ktorrent
if ! check "jail: KTorrent starts (org.kde.ktorrent on the jail's bus)" wait_for 60 on_jail_bus org.kde.ktorrent; then
    echo "  names on the jail's bus:"
    desk_run timeout 10 "$LAUNCHER" "$JAIL" dbus-send --session --dest=org.freedesktop.DBus --type=method_call \
        --print-reply / org.freedesktop.DBus.ListNames 2>&1 | sed -n 's/^ *string /    /p'
fi
check "jail: and is still running" kill -0 "$KJ"
# A second jailed launch finds the first over the jail's bus (KDE's
# single-instance service) and exits, leaving one KTorrent.
out=$(jailed ktorrent 2>&1); rc=$?
check_eq "jail: a second jailed launch reaches the first over the jail's bus and exits 0" 0 "$rc"
check "jail: the first KTorrent still runs" kill -0 "$KJ"
desk_stop_in "$JAIL"
topo_suite_end

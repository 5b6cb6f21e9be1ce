#!/bin/bash
# Programs whose single-instance path goes through the runtime directory or
# the session bus, in the jail session (issue 23): the jail's own runtime
# directory and bus. Real programs under Xvfb in the session of
# Tests/lib/desktop.sh; the oracle is the topology's IP server (a page or
# tracker tagged per launch, seen from the real address 192.0.2.2 or the
# VPN's 203.0.113.1).
#
# qutebrowser (its IPC socket is in $XDG_RUNTIME_DIR), Thunderbird (its
# remote is a name on the session bus; its profile is in ~/.thunderbird),
# transmission-qt (a magnet; its name on the bus) and VLC with its
# one-instance setting (--one-instance: MPRIS on the bus; it plays the
# page's URL), each in both orders:
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
require_cmd Xvfb dbus-daemon dbus-send qutebrowser thunderbird transmission-qt vlc ktorrent pgrep

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
# launch PROGRAM TAG: cmd gets PROGRAM's command line with a page tagged TAG.
# qutebrowser's IPC socket is $XDG_RUNTIME_DIR/qutebrowser/ipc-HASH (for the
# user's own basedir); Thunderbird's remote is its name on the session bus
# (org.mozilla.thunderbird.PROFILE), and it opens the page itself.
launch() {
    case $1 in
        qutebrowser) cmd=(qutebrowser --backend webengine "$(desk_page "$2")") ;;
        thunderbird) cmd=(thunderbird "$(desk_page "$2")") ;;
        transmission-qt) cmd=(transmission-qt "$(desk_magnet "$2")") ;;
        vlc) cmd=(vlc --one-instance --no-qt-privacy-ask "$(desk_page "$2")") ;;
    esac
}
# running_outside PROGRAM: the ordinary copy is up (its socket, its name).
running_outside() {
    case $1 in
        qutebrowser) compgen -G "$DESK_RUNDIR/qutebrowser/ipc-*" >/dev/null ;;
        thunderbird) desk_bus_owned org.mozilla.thunderbird. ;;
        transmission-qt) desk_bus_owned com.transmissionbt. ;;
        vlc) desk_bus_owned org.mpris.MediaPlayer2.vlc ;;
    esac
}
# stop_programs: every process of the user but the session's X server and
# bus (the programs outside, the jailed ones, the jail's bus), by PID.
stop_programs() {
    local pid pids=()
    for pid in $(pgrep -u "$DESK_UID"); do
        [ "$pid" = "$DESK_X_PID" ] || [ "$pid" = "$DESK_BUS_PID" ] || pids+=("$pid")
    done
    [ ${#pids[@]} -eq 0 ] || desk_stop "${pids[@]}"
}

# round PROGRAM MODE: the four launches of PROGRAM under MODE (shared or
# per-jail), pages tagged P-MODE-*.
round() {
    local p=$1 mode=$2 t=${1:0:2}-$2 out jl
    policy "$mode"
    # --- ordinary copy first, then a jailed launch with a link --------------
    launch "$p" "$t-outside"
    desk_run_bg PO "$L/$t-outside.log" "${cmd[@]}"
    check "$p, $mode: the ordinary copy runs" wait_for 60 running_outside "$p"
    check "$p, $mode: and loads its page from the real address" desk_wait_seen 60 "$t-outside" "$REAL"
    launch "$p" "$t-jailed"
    jailed_bg PJ "$t-jailed" "${cmd[@]}"
    if [ "$mode" = shared ]; then
        check "$p, control (state=shared): the jailed launch's link is fetched from the real address (the copy outside got it)" \
            desk_wait_seen 60 "$t-jailed" "$REAL"
        check "$p, control (state=shared): and the jailed launch exits, its link handed over" wait_for 30 sh -c "! kill -0 $PJ"
    else
        check "$p, jail: the jailed launch opens its link itself, through the VPN" desk_wait_seen 90 "$t-jailed" "$VPN"
        check_eq "$p, jail: the real address never asked for it" "" "$(desk_seen "$t-jailed" | grep -xF "$REAL")"
        check "$p, jail: the jailed copy is still running" kill -0 "$PJ"
    fi
    stop_programs
    # --- jailed copy first, then an ordinary launch with a link -------------
    launch "$p" "$t-first"
    jailed_bg PJ "$t-first" "${cmd[@]}"
    check "$p, $mode: the jailed copy loads its page through the VPN" desk_wait_seen 90 "$t-first" "$VPN"
    # A second jailed launch: it reaches the first jailed copy.
    launch "$p" "$t-second"
    out=$(jailed "${cmd[@]}" 2>&1); jl=$?
    check_eq "$p, $mode: a second jailed launch hands its link over and exits 0" 0 "$jl"
    check "$p, $mode: the first jailed copy opens it, through the VPN" desk_wait_seen 60 "$t-second" "$VPN"
    launch "$p" "$t-later"
    desk_run timeout 90 "${cmd[@]}" >"$L/$t-later.log" 2>&1 &
    if [ "$mode" = shared ]; then
        check "$p, control (state=shared): an ordinary launch's link goes to the jailed copy (through the VPN)" \
            desk_wait_seen 60 "$t-later" "$VPN"
    else
        check "$p, jail: an ordinary launch opens its link outside, from the real address" \
            desk_wait_seen 90 "$t-later" "$REAL"
        check_eq "$p, jail: the jailed copy never got it" "" "$(desk_seen "$t-later" | grep -xF "$VPN")"
    fi
    stop_programs
}

# transmission-qt's quiet settings, in the home and in the jail's (no
# download queue: the rounds add more torrents than its default of five).
desk_prefs_transmission "$DESK_HOME/.config"
desk_prefs_transmission "$STORE/home/.config"
for program in qutebrowser thunderbird transmission-qt vlc; do
    round "$program" shared
    round "$program" per-jail
done

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

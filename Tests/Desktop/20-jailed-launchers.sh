#!/bin/bash
# What `netns-jail desktop` writes, with the real programs (issue 12, items
# 2 and 4), in the same session as Desktop/10 (Tests/lib/desktop.sh: Xvfb,
# a session bus, the topology's simulated host; the oracle logs the source
# address of every page load and tracker announce, 192.0.2.2 real,
# 203.0.113.1 the VPN):
#
#  - a magnet link opened with xdg-open, as a browser or a chat program
#    opens it, starts the jailed qBittorrent once `netns-jail desktop` has
#    run: its announce comes through the VPN. Control: before, the same
#    xdg-open starts an unjailed client, announced from the real address.
#  - under state=shared, a jailed qBittorrent started while the ordinary one
#    runs is refused (exit 125, one line), and the link never reaches the
#    copy outside; with the copy gone the same launch runs in the jail.
#    (Desktop/10 shows the hand-off itself under state=shared, through a
#    shell the check does not look into.)
#  - Chromium: no jailed launcher is written for it where its sandbox
#    cannot start (the jail's policy line says userns=deny); by default one
#    is, and the jailed Chromium loads a page through the VPN with its
#    sandbox on (SECURITY.md, "Programs that sandbox themselves").
#
# Every process is killed by PID; nothing leaves the test's namespaces.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/desktop.sh"
topo_suite_begin "Desktop/20 jailed launchers" nxdl "$0" "$@"
require_cmd Xvfb dbus-daemon qbittorrent chromium xdg-open xdg-mime update-desktop-database pgrep

JAIL=nxdl_jail IFC=nxdl0 USR=nxdl_user
REAL=$TOPO_HOST_ADDR VPN=$TOPO_VPN_PUBLIC
QBT_ENTRY=/usr/share/applications/org.qbittorrent.qBittorrent.desktop
CHROME_ENTRY=/usr/share/applications/chromium.desktop
for f in "$QBT_ENTRY" "$CHROME_ENTRY"; do
    [ -f "$f" ] || { fail "$f missing (make test-deps)"; suite_end; }
done
desk_jail_session "$JAIL" "$IFC" "$USR"
launcher=$LAUNCHER
# netns-jail desktop runs as the user: a copy the user can reach.
install -m 0755 "$TOPO_JAIL_BIN" "$TOPO_DIR/prefix/bin/netns-jail"
NJ=$TOPO_DIR/prefix/bin/netns-jail
JAIL_NET="net:[$(stat -L -c %i "/run/netns/$JAIL")]"
for conf in "$DESK_HOME/.config" "$STORE/config"; do desk_prefs_qbittorrent "$conf"; done
write_test_policy "$JAIL $USR require=$IFC"

# The torrent clients the user runs outside the jail (by PID): qBittorrent,
# or whichever other client the system's MIME cache names for magnet links.
outside_clients() {
    local pid
    for pid in $(pgrep -u "$DESK_UID" -x 'qbittorrent|transmission-gt|transmission-qt|deluge-gtk|ktorrent'); do
        # A client stopped earlier may linger as a zombie until it is
        # reaped: it runs nowhere.
        [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
        [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$JAIL_NET" ] || echo "$pid"
    done
}
# desk_open LINK: xdg-open as the session runs it (a display is named, no
# desktop environment: xdg-open's generic path, which reads mimeapps.list).
desk_open() { desk_run timeout 20 xdg-open "$1" >>"$L/xdg-open.log" 2>&1; }

# --- before: a magnet link goes to an unjailed client --------------------------
# The user's choice is qBittorrent: with several torrent clients installed
# (KTorrent, deluge-gtk and transmission-qt are, for the other suites), the
# system's MIME cache would pick one by name, and some of them need a first
# run by hand before they announce anything.
desk_mkdir "$DESK_HOME/.config"
printf '[Default Applications]\nx-scheme-handler/magnet=org.qbittorrent.qBittorrent.desktop\napplication/x-bittorrent=org.qbittorrent.qBittorrent.desktop\n' \
    >"$DESK_HOME/.config/mimeapps.list"
chown "$USR" "$DESK_HOME/.config/mimeapps.list"
desk_open "$(desk_magnet before)"
check "control: before netns-jail desktop, xdg-open MAGNET is announced from the real address" \
    desk_wait_seen 30 before "$REAL"
# shellcheck disable=SC2046
desk_stop $(outside_clients)

# --- netns-jail desktop, as the user runs it ---------------------------------------
out=$(desk_run "$NJ" desktop "$QBT_ENTRY" --namespace "$JAIL" --launcher "$launcher" 2>&1); rc=$?
ID=org.qbittorrent.qBittorrent-netns-$JAIL.desktop
check_eq "netns-jail desktop writes the launcher and the defaults" \
    "0 $DESK_HOME/.local/share/applications/$ID $DESK_HOME/.config/mimeapps.list" "$rc $(echo $out)"
check_eq "xdg-mime: the jailed launcher handles magnet links" "$ID" \
    "$(desk_run xdg-mime query default x-scheme-handler/magnet 2>/dev/null)"
check_eq "and .torrent files" "$ID" "$(desk_run xdg-mime query default application/x-bittorrent 2>/dev/null)"

# --- after: the same click starts the jailed qBittorrent --------------------------
desk_open "$(desk_magnet after)"
check "xdg-open MAGNET now starts the jailed qBittorrent: announced through the VPN" \
    desk_wait_seen 60 after "$VPN"
check_eq "and never from the real address" "" "$(desk_seen after | grep -xF "$REAL")"
check_eq "no client runs outside the jail" "" "$(outside_clients | tr '\n' ' ')"
[ -z "$(outside_clients)" ] || ps -o pid,ppid,stat,etime,args -p "$(outside_clients | tr '\n' ',' | sed 's/,$//')" | sed 's/^/       /'
check "the jailed qBittorrent keeps its state in the jail's own profile" \
    test -n "$(ls "$STORE/home/.local/share/qBittorrent/BT_backup" 2>/dev/null)"
desk_stop_in "$JAIL"

# --- state=shared: no silent hand-off to the copy outside ---------------------------
write_test_policy "$JAIL $USR require=$IFC state=shared"
# A socket file left by a client stopped earlier would make the wait below
# pass before this one listens.
rm -f "$DESK_HOME/.config/qBittorrent/ipc-socket"
desk_run_bg QO "$L/qbt-outside.log" qbittorrent
check "outside: qBittorrent runs (its profile socket)" wait_for 20 test -S "$DESK_HOME/.config/qBittorrent/ipc-socket"
err=$(desk_run timeout 30 "$launcher" "$JAIL" qbittorrent "$(desk_magnet shared)" 2>&1); rc=$?
check_eq "state=shared, qBittorrent running outside: the jailed launch is refused (125)" 125 "$rc"
check_eq "with one line naming it and what to do" \
    "netns-exec: qbittorrent is already running outside jail $JAIL (process $QO), and this jail shares your profile (state=shared): it would hand the work to that copy, which runs outside the VPN; quit it first, or ask an administrator for state=per-jail in netns-exec.conf(5)" \
    "$err"
sleep 3
check_eq "the copy outside never got the link" "" "$(desk_seen shared)"
desk_stop "$QO"
desk_run_bg QJ "$L/qbt-shared.log" "$launcher" "$JAIL" qbittorrent "$(desk_magnet shared-alone)"
check "with the copy gone, the same launch runs in the jail (VPN)" desk_wait_seen 60 shared-alone "$VPN"
desk_stop "$QJ"
desk_stop_in "$JAIL"

# --- Chromium: no launcher that cannot start; by default, one that does ----------
write_test_policy "$JAIL $USR require=$IFC userns=deny"
CID=chromium-netns-$JAIL.desktop
err=$(desk_run "$NJ" desktop "$CHROME_ENTRY" --namespace "$JAIL" --policy "$TEST_POLICY" 2>&1); rc=$?
check_eq "under userns=deny, netns-jail desktop refuses Chromium (exit 2)" 2 "$rc"
check_contains "saying why and what to ask for" "chromium cannot start in jail $JAIL: its sandbox needs user namespaces" "$err"
check "and writes nothing" test ! -e "$DESK_HOME/.local/share/applications/$CID"
write_test_policy "$JAIL $USR require=$IFC"
out=$(desk_run "$NJ" desktop "$CHROME_ENTRY" --namespace "$JAIL" --policy "$TEST_POLICY" --launcher "$launcher" --no-defaults 2>&1); rc=$?
check_eq "with the default policy line, the launcher is written" "0 $DESK_HOME/.local/share/applications/$CID" "$rc $out"
desk_run_bg CJ "$L/chromium-jailed.log" "$launcher" "$JAIL" chromium --no-first-run "$(desk_page chromium-userns)"
check "the jailed Chromium starts with its sandbox and loads the page through the VPN" \
    desk_wait_seen 60 chromium-userns "$VPN"
check_eq "never from the real address" "" "$(desk_seen chromium-userns | grep -xF "$REAL")"
check_not_contains "and did not need --no-sandbox" "No usable sandbox" "$(cat "$L/chromium-jailed.log")"
desk_stop "$CJ"
desk_stop_in "$JAIL"

topo_suite_end

#!/bin/bash
# `netns-jail settings` on profiles the real programs wrote (issue 23): Debian's
# qBittorrent and Firefox ESR run under Xvfb as the test user, in a network
# namespace of the suite's own with nothing but lo (no way out; Firefox's
# one page is a server on that lo that sets a cookie), then are killed as a
# crash would kill them, so their sockets, locks and session state are still
# there. The copy must bring the settings across (qBittorrent's DHT off, a
# Firefox pref in prefs.js and user.js, bookmarks' database) and leave the
# rest behind; each "left behind" check has its control, the same file in
# the source. Also: the copy is refused while the program runs, as root, and
# onto an existing jailed profile without --replace (then the old one is
# kept); a link planted in the profile to a file outside it is not followed.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/desktop.sh"
topo_suite_begin "Desktop/30 settings copied into a jail" nxsc "$0" "$@"
require_cmd Xvfb dbus-daemon dbus-send qbittorrent firefox-esr pgrep

JAIL=nxsc_jail USR=nxsc_user
# The session's namespace: lo only.
make_netns "$TOPO_HOST" || { fail "the namespace"; suite_end; }
ip -n "$TOPO_HOST" link set lo up
check_eq "the namespace has no route out" "" "$(ip -n "$TOPO_HOST" route show; ip -n "$TOPO_HOST" -6 route show | grep -v '^::1 \|^fe80')"
desk_user "$USR" || { fail "the test user"; topo_suite_end; }
desk_session || { fail "the desktop session (Xvfb, session bus)"; topo_suite_end; }
desk_prefs_browsers || { fail "browser settings"; topo_suite_end; }
L=$DESK_LOGS
STORE=$DESK_HOME/.netns-exec/$JAIL
install -d -m 0755 "$TOPO_DIR/prefix/bin"
install -m 0755 "$TOPO_JAIL_BIN" "$TOPO_DIR/prefix/bin/netns-jail"
NJ=$TOPO_DIR/prefix/bin/netns-jail
settings() { desk_run timeout 60 "$NJ" settings "$@"; }

# A file outside every profile, which a planted link must not bring along.
printf 'secret\n' >"$DESK_HOME/secret" && chown "$USR" "$DESK_HOME/secret"

# ================================ qBittorrent =================================
desk_prefs_qbittorrent "$DESK_HOME/.config"
QC=$DESK_HOME/.config/qBittorrent
desk_run_bg QB "$L/qbt.log" qbittorrent
check "qBittorrent runs (its profile socket)" wait_for 30 test -S "$QC/ipc-socket"
check_refusal netns-jail 1 "the copy while qBittorrent runs" "qBittorrent is running" settings "$JAIL" qbittorrent
check "nothing was copied while it ran" test ! -e "$STORE/home/.config/qBittorrent"
kill -KILL "$QB"
wait "$QB" 2>/dev/null   # reaped: a zombie would still be a qbittorrent in /proc
ln -s ../../secret "$QC/planted" && chown -h "$USR" "$QC/planted"
check "control: qBittorrent left its socket" test -S "$QC/ipc-socket"
check "control: qBittorrent's settings say DHT off" grep -qx 'Session\\DHTEnabled=false' "$QC/qBittorrent.conf"
out=$(settings "$JAIL" qbittorrent 2>&1); rc=$?
check_eq "the copy: exit 0" 0 "$rc"
printf '%s\n' "$out" >"$L/qbt-copy.out"
J=$STORE/home/.config/qBittorrent
check "the jail's qBittorrent.conf says DHT off" grep -qx 'Session\\DHTEnabled=false' "$J/qBittorrent.conf"
check "the jail's qBittorrent.conf says UPnP off" grep -qx 'Connection\\UPnP=false' "$J/qBittorrent.conf"
check "the socket stayed behind" test ! -e "$J/ipc-socket"
check_contains "the copy says it left the socket" "left   ~/.config/qBittorrent/ipc-socket: a socket" "$out"
check "the planted link was not followed" test ! -e "$J/planted"
check_contains "the copy says it left the link" "planted: a link out of the profile" "$out"
check_contains "the copy says where it copied to" "to ~/.netns-exec/$JAIL/home/.config/qBittorrent" "$out"
for f in "$QC"/*.lock "$QC"/lockfile; do
    [ -e "$f" ] || continue
    check "control: ${f#"$QC"/} is in the source" test -e "$f"
    check "${f#"$QC"/} stayed behind" test ! -e "$J/${f#"$QC"/}"
done
check "the copy is the user's" test "$(stat -c %U "$J/qBittorrent.conf")" = "$USR"
check_refusal netns-jail 2 "a second copy without --replace" "--replace" settings "$JAIL" qbittorrent
echo 'Session\DHTEnabled=false' >>"$J/qBittorrent.conf"   # the jail's own change, kept in the backup
out=$(settings "$JAIL" qbittorrent --replace 2>&1); rc=$?
check_eq "with --replace: exit 0" 0 "$rc"
backup=$(find "$STORE/home/.config" -maxdepth 1 -name 'qBittorrent.before-copy-*' | head -n1)
check "with --replace the jail's old settings are kept" test "$(grep -c DHTEnabled "$backup/qBittorrent.conf" 2>/dev/null)" = 2
check_contains "with --replace the copy says where they are" "kept   the jail's previous settings as ~/.netns-exec/$JAIL/home/.config/${backup##*/}" "$out"
check_refusal netns-jail 2 "as root" "not as root" "$NJ" settings "$JAIL" qbittorrent

# ================================== Firefox ===================================
take_port port "$TOPO_HOST" || { fail "a port"; topo_suite_end; }
cat >"$TOPO_DIR/cookie-server.py" <<'PY'
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html><body>a page that sets a cookie</body></html>"
        self.send_response(200)
        self.send_header("Set-Cookie", "nxsc_identity=real-address; Max-Age=86400; Path=/")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        sys.stdout.write("GET %s\n" % self.path); sys.stdout.flush()
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
desk_run_bg WEB "$L/cookie-server.log" /usr/bin/python3 "$TOPO_DIR/cookie-server.py" "$port"
wait_for 10 desk_run curl -sf -o /dev/null "http://127.0.0.1:$port/warmup"
profiles_ini() { ls "$DESK_HOME"/.config/mozilla/firefox/profiles.ini "$DESK_HOME"/.mozilla/firefox/profiles.ini 2>/dev/null | head -n1; }
desk_run_bg FF "$L/firefox-1.log" firefox-esr "http://127.0.0.1:$port/page"
check "Firefox loads the page (the server sets its cookie)" wait_for 60 grep -q 'GET /page' "$L/cookie-server.log"
ini=$(profiles_ini)
check "Firefox made a profile" test -n "$ini"
FD=$(dirname "$ini")
# The profile in use is the one that got the cookie (profiles.ini may list
# another, made and left unused).
cookie_profile() { find "$FD" -mindepth 2 -maxdepth 2 -name cookies.sqlite -size +0 | head -n1; }
has_cookie() { [ -n "$(cookie_profile)" ]; }
check "Firefox stored the cookie" wait_for 30 has_cookie
P=$(dirname "$(cookie_profile)")
check_refusal netns-jail 1 "the copy while Firefox runs" "Firefox is running" settings "$JAIL" firefox
desk_stop "$FF"
wait "$FF" 2>/dev/null
check "Firefox wrote prefs.js at its exit" test -s "$P/prefs.js"
# The user's own choice, and what a signed-in user has (Firefox makes
# neither without an account): logins, the sync account and its prefs.
printf 'user_pref("media.peerconnection.enabled", false);\n' >"$P/user.js"
printf '{"logins":[{"hostname":"http://login.invalid"}]}\n' >"$P/logins.json"
printf '{"accountData":{"email":"nxsc@login.invalid"}}\n' >"$P/signedInUser.json"
chown "$USR" "$P/user.js" "$P/logins.json" "$P/signedInUser.json"
desk_run_bg FF "$L/firefox-2.log" firefox-esr "http://127.0.0.1:$port/again"
check "Firefox runs again (its profile lock)" wait_for 60 test -L "$P/lock"
check "Firefox loads a page again" wait_for 60 grep -q 'GET /again' "$L/cookie-server.log"
sleep 2
kill -KILL "$FF"
wait "$FF" 2>/dev/null
desk_stop_in_user_firefox() { local p; for p in $(pgrep -u "$DESK_UID" -f firefox-esr); do kill -KILL "$p"; done; }
desk_stop_in_user_firefox
wait_for 10 bash -c "! pgrep -u $DESK_UID -x firefox-esr"
printf 'user_pref("services.sync.username", "nxsc@login.invalid");\nuser_pref("identity.fxaccounts.account.device.name", "nxsc-laptop");\n' >>"$P/prefs.js"
ln -s ../../../../secret "$P/planted" && chown -h "$USR" "$P/planted"
for f in lock .parentlock cookies.sqlite key4.db cert9.db logins.json signedInUser.json places.sqlite; do
    check "control: $f is in Firefox's profile" test -e "$P/$f" -o -L "$P/$f"
done
out=$(settings "$JAIL" firefox --verbose 2>&1); rc=$?
printf '%s\n' "$out" >"$L/firefox-copy.out"
check_eq "the copy: exit 0" 0 "$rc"
rel=${P#"$DESK_HOME"/.}
case $rel in
    config/*) JP=$STORE/home/.$rel ;;
    mozilla/*) JP=$STORE/home/.$rel ;;
esac
check "the jail's profiles.ini names the profile" grep -q "^Path=${P##*/}" "$(dirname "$JP")/profiles.ini"
check "the jail's user.js has the user's pref" grep -q 'media.peerconnection.enabled", false' "$JP/user.js"
check "the jail's prefs.js has what Firefox wrote" grep -q 'user_pref("' "$JP/prefs.js"
check "the jail's prefs.js has no sync account" bash -c "! grep -q 'services.sync\|fxaccounts' '$JP/prefs.js'"
check "control: the source's prefs.js still has it" grep -q 'services.sync.username' "$P/prefs.js"
check "bookmarks and history (places.sqlite) came" test -s "$JP/places.sqlite"
for f in lock .parentlock cookies.sqlite key4.db cert9.db logins.json signedInUser.json sessionstore-backups planted; do
    check "$f stayed behind" test ! -e "$JP/$f" -a ! -L "$JP/$f"
done
check_contains "the copy says it left the cookies" "cookies.sqlite: an account, login, cookie or token" "$out"
check_contains "the copy says it left the lock" ": a lock" "$out"
# (Firefox writes some identity.fxaccounts lines of its own, so at least ours.)
sync_lines_out() { grep -Eq 'prefs.js without its ([2-9]|[1-9][0-9]+) account and sync entries' <<<"$out"; }
check "the copy says it took the sync lines out (at least the 2 planted)" sync_lines_out
check "no secret reached the jail's store" bash -c "! grep -rqs secret '$STORE'"

topo_suite_end

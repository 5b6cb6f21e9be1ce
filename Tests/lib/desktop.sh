# A desktop session for suites that run real desktop programs (Tests/Desktop).
# Source after testlib.sh and topology.sh, once topo_build has run.
#
# The whole session lives in the topology's simulated host (hostsim), whose
# only way out is the uplink to the simulated provider: there the programs
# outside the jail are seen as the "real" address, 192.0.2.2, and jailed ones
# through the tunnel as the VPN's, 203.0.113.1. Browsers and torrent clients
# phone home; here they reach nothing but the test namespaces.
#
#   Xvfb          as the test user, in hostsim, display picked by Xvfb
#                 itself (-displayfd), so it never clashes with another one
#   session bus   dbus-daemon --session as the test user, on
#                 $XDG_RUNTIME_DIR/bus, where netns-exec looks for it
#   oracle        the topology's IP server (whatismyip.py at 203.0.113.80),
#                 which logs the source address and path of every request:
#                 page loads and tracker announces alike
#
# Every process is started through desk_run_bg and killed by its PID at exit;
# what the programs forked off is swept by PID too (desk_sweep), before the
# user is removed. Every wait is bounded.
#
# Functions:
#   desk_jail_session JAIL IFC USER  all of the below a suite starts with
#   desk_user NAME            the test user, with a home and /run/user/UID
#   desk_session              Xvfb and the session bus for that user
#   desk_run CMD...           CMD in the session (hostsim, as the user), waits
#   desk_run_bg VAR OUT CMD...  the same in the background; VAR gets CMD's PID
#   desk_notifyd LOG          the stand-in notification server (notifyd.py)
#   desk_tracker TAG          a tracker URL on the oracle, unique to TAG
#   desk_magnet TAG           a magnet link to a torrent announced there
#   desk_page TAG             a page URL on the oracle
#   desk_seen TAG             the addresses the oracle saw for TAG, one a line
#   desk_wait_seen S TAG ADDR wait up to S seconds for ADDR to ask for TAG
#   desk_share_tmp JAIL       the session's TMPDIR shared into JAIL's home
#   desk_prefs_*              quiet settings for each program
#   desk_screenshot FILE      the screen, for debugging

DESK_WEB=${TOPO_WEB:-203.0.113.80}

# desk_user NAME: a real unprivileged user with a home in the scratch
# directory and a runtime directory; sets DESK_USER, DESK_UID, DESK_HOME and
# DESK_RUNDIR. Whatever the user still runs at exit is killed (desk_sweep)
# before the user is removed.
desk_user() {
    local name=$1
    make_test_user "$name" || return 1
    DESK_USER=$name
    DESK_UID=$(id -u "$name")
    DESK_HOME=$TOPO_DIR/home/$name
    install -d -m 0755 "$TOPO_DIR/home" || return 1
    install -d -m 0755 -o "$name" -g "$(id -g "$name")" "$DESK_HOME" || return 1
    usermod -d "$DESK_HOME" "$name" || return 1
    # netns-exec asks the password database for the home; nscd would answer
    # from its cache.
    nscd -i passwd 2>/dev/null
    DESK_RUNDIR=/run/user/$DESK_UID
    rm -rf "$DESK_RUNDIR"
    install -d -m 0700 -o "$name" -g "$(id -g "$name")" "$DESK_RUNDIR" || return 1
    on_exit "rm -rf '$DESK_RUNDIR'"
    on_exit desk_sweep
    DESK_LOGS=$TOPO_DIR/desktop
    install -d -m 0755 "$DESK_LOGS"
    # The programs' temporary files (Chromium's singleton socket directory,
    # Qt's fallback runtime directory) go to the home, removed with it.
    install -d -m 0700 -o "$name" -g "$(id -g "$name")" "$DESK_HOME/tmp" || return 1
}

# desk_sweep: every process still running as the test user (what a killed
# program forked off: browser content processes, a jailed copy), killed by
# PID, one at a time; then what the programs left in /tmp despite TMPDIR
# (entries the test user owns, at the top level only).
desk_sweep() {
    local pid round
    [ -n "${DESK_UID:-}" ] || return 0
    for round in 1 2 3; do
        for pid in $(pgrep -u "$DESK_UID"); do kill -KILL "$pid" 2>/dev/null; done
        pgrep -u "$DESK_UID" >/dev/null || break
        sleep 0.2
    done
    find /tmp -xdev -mindepth 1 -maxdepth 1 -user "$DESK_UID" -exec rm -rf {} + 2>/dev/null
}

# The session's environment, built from nothing: root's own never reaches a
# program.
desk_env() {
    DESK_ENV=(HOME="$DESK_HOME" USER="$DESK_USER" LOGNAME="$DESK_USER" SHELL=/bin/sh
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$DESK_HOME/tmp"
        DISPLAY=":$DESK_DISPLAY" XDG_RUNTIME_DIR="$DESK_RUNDIR" XDG_SESSION_TYPE=x11
        DBUS_SESSION_BUS_ADDRESS="unix:path=$DESK_RUNDIR/bus"
        NO_AT_BRIDGE=1 GTK_A11Y=none)
}

# desk_run CMD...: CMD in the session: hostsim's network, the test user with
# no capabilities, the session's environment. Waits for it.
desk_run() {
    nsenter --net="/run/netns/$TOPO_HOST" -- "$AS_USER" "$DESK_USER" env -i "${DESK_ENV[@]}" "$@"
}

# desk_run_bg VAR OUT CMD...: desk_run in the background, stdout and stderr
# to OUT, stdin from /dev/null; VAR gets the PID of CMD itself (nsenter,
# AS_USER and env exec it), which is killed at exit.
desk_run_bg() {
    local var=$1 out=$2 pid; shift 2
    nsenter --net="/run/netns/$TOPO_HOST" -- "$AS_USER" "$DESK_USER" env -i "${DESK_ENV[@]}" "$@" </dev/null >"$out" 2>&1 &
    pid=$!
    on_exit "kill_pid $pid"
    printf -v "$var" '%s' "$pid"
}

# desk_session: Xvfb and the session bus, as the test user in hostsim. Sets
# DESK_DISPLAY (the number), DESK_ENV, DESK_X_PID and DESK_BUS_PID.
desk_session() {
    local i
    # X clients find the server through /tmp/.X11-unix (the abstract socket
    # is per network namespace, so a jail cannot use it). X servers want the
    # directory root's and sticky; it is left in place if anything else is
    # in it at exit.
    if [ ! -d /tmp/.X11-unix ]; then
        install -d -m 1777 -o root -g root /tmp/.X11-unix || return 1
        on_exit "rmdir /tmp/.X11-unix"
    fi
    : >"$DESK_LOGS/display"
    chown "$DESK_USER" "$DESK_LOGS/display"
    # Xvfb picks the first free display itself and writes its number to fd 3.
    nsenter --net="/run/netns/$TOPO_HOST" -- "$AS_USER" "$DESK_USER" env -i HOME="$DESK_HOME" PATH=/usr/bin:/bin \
        Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp \
        3>"$DESK_LOGS/display" </dev/null >"$DESK_LOGS/xvfb.log" 2>&1 &
    DESK_X_PID=$!
    on_exit "kill_pid $DESK_X_PID"
    wait_for 15 grep -q '^[0-9]' "$DESK_LOGS/display" || { echo "desktop: Xvfb did not start" >&2; return 1; }
    DESK_DISPLAY=$(head -n1 "$DESK_LOGS/display")
    # A display from an earlier, killed run would leave its lock; Xvfb
    # skipped it. Ours goes at exit (Xvfb removes it when it is TERMed).
    desk_env
    desk_run_bg DESK_BUS_PID "$DESK_LOGS/dbus.log" dbus-daemon --session --nofork --nopidfile \
        --address="unix:path=$DESK_RUNDIR/bus"
    for ((i = 0; i < 50; i++)); do
        desk_run dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply / \
            org.freedesktop.DBus.ListNames >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "desktop: the session bus did not start" >&2
    return 1
}

# desk_jail_session JAIL IFC USER: what a Desktop suite starts with: the
# topology with JAIL up through IFC, USER (desk_user), netns-exec installed
# (LAUNCHER), the session (desk_session), the browsers' quiet settings and
# the session's TMPDIR shared with JAIL (desk_share_tmp). Sets LAUNCHER, L
# (the logs) and STORE (the jail's store in the home). Ends the suite on a
# failure.
desk_jail_session() {
    local jail=$1 ifc=$2 user=$3
    topo_jail_prepare --no-resolver "$jail" "$ifc"
    topo_jail_up "$jail" "$ifc" >"$TOPO_DIR/up.out" 2>&1 || { fail "netns-jail up"; topo_suite_end; }
    desk_user "$user" || { fail "the test user"; topo_suite_end; }
    LAUNCHER=$(install_launcher "$TOPO_DIR/prefix") || { fail "install_launcher"; topo_suite_end; }
    desk_session || { fail "the desktop session (Xvfb, session bus)"; topo_suite_end; }
    desk_prefs_browsers || { fail "browser settings"; topo_suite_end; }
    desk_share_tmp "$jail" || { fail "the session's TMPDIR shared with the jail"; topo_suite_end; }
    L=$DESK_LOGS
    STORE=$DESK_HOME/.netns-exec/$jail
}

# desk_notifyd LOG: the stand-in notification server on the session bus
# (Tests/lib/notifyd.py; one "notify<TAB>..." line per Notify call; it exits
# by itself after 60 s). Sets DESK_NOTIFYD_PID.
desk_notifyd() {
    local log=$1
    : >"$log"
    chown "$DESK_USER" "$log"
    desk_run_bg DESK_NOTIFYD_PID "$DESK_LOGS/notifyd.out" /usr/bin/python3 "$REPO_ROOT/Tests/lib/notifyd.py" "$log"
    wait_for 10 grep -q ready "$log" || { echo "desktop: notification server did not start" >&2; return 1; }
}

# --- the oracle ----------------------------------------------------------------
# Tags name one thing a program was asked to fetch; the oracle's log says who
# fetched it. Tags are letters, digits and dashes.
desk_tracker() { printf 'http://%s/t/%s/announce' "$DESK_WEB" "$1"; }
desk_page() { printf 'http://%s/p/%s/' "$DESK_WEB" "$1"; }

# desk_magnet TAG: a magnet link whose info hash is derived from TAG, with
# the oracle as its only tracker (by address: no name to resolve).
desk_magnet() {
    local hash
    hash=$(printf '%s' "$1" | sha1sum | cut -c1-40)
    printf 'magnet:?xt=urn:btih:%s&dn=%s&tr=http%%3A%%2F%%2F%s%%2Ft%%2F%s%%2Fannounce' "$hash" "$1" "$DESK_WEB" "$1"
}

# desk_seen TAG: each source address that asked for TAG's page or tracker.
desk_seen() {
    awk -v tag="$1" '$2 ~ ("^/[pt]/" tag "/") {print $1}' "$TOPO_DIR/web.log" | sort -u
}

# desk_has_seen TAG ADDR: the oracle has seen ADDR ask for TAG.
desk_has_seen() { desk_seen "$1" | grep -qxF "$2"; }

# desk_wait_seen SECONDS TAG ADDR: until the oracle has seen ADDR ask for TAG.
desk_wait_seen() { local limit=$1; shift; wait_for "$limit" desk_has_seen "$@"; }

# desk_count TAG ADDR: how many requests for TAG the oracle had from ADDR.
desk_count() {
    awk -v tag="$1" -v a="$2" '$1 == a && $2 ~ ("^/[pt]/" tag "/") {n++} END {print n + 0}' "$TOPO_DIR/web.log"
}

# desk_wait_more SECONDS TAG ADDR N: until ADDR asked for TAG more than N times.
desk_wait_more() { local limit=$1; shift; wait_for "$limit" _desk_more "$@"; }
_desk_more() { [ "$(desk_count "$1" "$2")" -gt "$3" ]; }

# --- the session's processes -------------------------------------------------
# desk_bus_owned PREFIX: a name starting with PREFIX is owned on the session
# bus (Firefox's org.mozilla.firefox.*, GApplication ids).
desk_bus_owned() {
    desk_run timeout 5 dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply / \
        org.freedesktop.DBus.ListNames 2>/dev/null | grep -q "string \"$1"
}

# desk_pids_in NS: the test user's processes whose network namespace is NS
# (a jail's programs and whatever they forked).
desk_pids_in() {
    local pid want
    want=$(stat -L -c %i "/run/netns/$1") || return 1
    for pid in $(pgrep -u "$DESK_UID"); do
        [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$want" ] && echo "$pid"
    done
}

# desk_stop PID...: TERM each (a program saves its state, as on a normal
# quit), wait up to 10 s for all, then KILL.
desk_stop() {
    local pid i alive
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
    for ((i = 0; i < 100; i++)); do
        alive=
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && return 0
        sleep 0.1
    done
    for pid in "$@"; do kill -KILL "$pid" 2>/dev/null; done
}

# desk_stop_in NS: desk_stop for each of the test user's processes in NS,
# twice (a process forked while the first ones quit is caught the second
# time).
desk_stop_in() {
    local round pids
    for round in 1 2; do
        pids=$(desk_pids_in "$1")
        [ -n "$pids" ] || return 0
        # shellcheck disable=SC2086
        desk_stop $pids
    done
}

# --- quiet settings ------------------------------------------------------------
# What a program would fetch by itself is turned off where a setting allows;
# the namespaces keep everything else inside the test.

# desk_prefs_qbittorrent CONFIG_HOME: qBittorrent's settings under
# CONFIG_HOME/qBittorrent (the user's ~/.config, or a jail's store): legal
# notice accepted, no dialog on adding, DHT, PeX, LSD, UPnP off, trackers
# only.
desk_prefs_qbittorrent() {
    local dir=$1/qBittorrent
    desk_mkdir "$dir"
    cat >"$dir/qBittorrent.conf" <<'EOF'
[LegalNotice]
Accepted=true

[AddNewTorrentDialog]
Enabled=false

[BitTorrent]
Session\DHTEnabled=false
Session\PeXEnabled=false
Session\LSDEnabled=false
Session\AnonymousModeEnabled=false
Session\AddTorrentPaused=false
Session\Port=6881

[Network]
PortForwardingEnabled=false

[Preferences]
Connection\UPnP=false
Downloads\NewAdditionDialog=false
General\CloseToTray=false
General\MinimizeToTray=false
General\NoSplashScreen=true
Advanced\confirmTorrentDeletion=false
General\ExitConfirm=false
EOF
    chown "$DESK_USER" "$dir/qBittorrent.conf"
}

# desk_prefs_transmission CONFIG_HOME: transmission-gtk's settings: consent
# given, no options dialog, DHT, PeX, LPD, port mapping and blocklist off.
# The peer ports of both clients (6881, transmission's usual 51413) are
# fixed: they are the clients' own listeners in the suite's jails, and no
# check needs them (the clients only make requests), so a port held by
# something else would cost nothing the suites look at.
desk_prefs_transmission() {
    local dir=$1/transmission
    desk_mkdir "$dir"
    cat >"$dir/settings.json" <<'EOF'
{
    "user-has-given-informed-consent": true,
    "show-options-window": false,
    "show-notification-area-icon": false,
    "torrent-added-notification-enabled": false,
    "torrent-complete-notification-enabled": false,
    "prompt-before-exit": false,
    "dht-enabled": false,
    "pex-enabled": false,
    "lpd-enabled": false,
    "utp-enabled": false,
    "port-forwarding-enabled": false,
    "blocklist-enabled": false,
    "peer-port": 51413,
    "download-queue-enabled": false,
    "start-added-torrents": true
}
EOF
    chown "$DESK_USER" "$dir/settings.json"
}

# desk_prefs_browsers: Firefox ESR and Chromium settings for every profile,
# jailed or not (in the sandboxed /etc, which the jail's /etc overlay shows
# too): no first-run pages, telemetry, updates, safe browsing, captive portal
# or connectivity checks, prefetching or sign-in.
desk_prefs_browsers() {
    _topo_require_sandbox || return 1
    cat >/etc/firefox-esr/nxdesk-test.js <<'EOF'
// netns-exec desktop tests: quiet, fast start.
pref("browser.startup.page", 0);
pref("browser.startup.homepage", "about:blank");
pref("browser.startup.homepage_override.mstone", "ignore");
pref("browser.startup.firstrunSkipsHomepage", true);
pref("startup.homepage_welcome_url", "");
pref("startup.homepage_welcome_url.additional", "");
pref("browser.aboutwelcome.enabled", false);
pref("browser.newtabpage.enabled", false);
pref("browser.shell.checkDefaultBrowser", false);
pref("browser.sessionstore.resume_from_crash", false);
pref("browser.tabs.warnOnClose", false);
pref("datareporting.policy.dataSubmissionEnabled", false);
pref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
pref("datareporting.healthreport.uploadEnabled", false);
pref("toolkit.telemetry.enabled", false);
pref("toolkit.telemetry.unified", false);
pref("toolkit.telemetry.server", "");
pref("app.update.enabled", false);
pref("app.normandy.enabled", false);
pref("app.shield.optoutstudies.enabled", false);
pref("extensions.update.enabled", false);
pref("extensions.getAddons.cache.enabled", false);
pref("browser.safebrowsing.malware.enabled", false);
pref("browser.safebrowsing.phishing.enabled", false);
pref("browser.safebrowsing.downloads.enabled", false);
pref("browser.safebrowsing.provider.mozilla.updateURL", "");
pref("network.captive-portal-service.enabled", false);
pref("network.connectivity-service.enabled", false);
pref("network.dns.disablePrefetch", true);
pref("network.prefetch-next", false);
pref("network.http.speculative-parallel-limit", 0);
pref("network.trr.mode", 5);
pref("browser.region.update.enabled", false);
pref("browser.search.update", false);
pref("services.settings.server", "");
pref("media.gmp-manager.url", "");
pref("identity.fxaccounts.enabled", false);
pref("browser.ping-centre.telemetry", false);
pref("browser.discovery.enabled", false);
pref("dom.ipc.processCount", 1);
EOF
    install -d -m 0755 /etc/chromium/policies/managed
    cat >/etc/chromium/policies/managed/nxdesk-test.json <<'EOF'
{
    "MetricsReportingEnabled": false,
    "SafeBrowsingProtectionLevel": 0,
    "BrowserSignin": 0,
    "SyncDisabled": true,
    "PromotionalTabsEnabled": false,
    "DefaultBrowserSettingEnabled": false,
    "NetworkPredictionOptions": 2,
    "SearchSuggestEnabled": false,
    "TranslateEnabled": false,
    "BackgroundModeEnabled": false,
    "ComponentUpdatesEnabled": false,
    "RestoreOnStartup": 5,
    "HomepageLocation": "about:blank",
    "DnsOverHttpsMode": "off"
}
EOF
}

# desk_mkdir DIR: DIR and its missing parents below the home, the user's,
# mode 0700 (as netns-exec creates a jail's store).
desk_mkdir() {
    local d=$1 rel part path=$DESK_HOME
    rel=${d#"$DESK_HOME"/}
    local IFS=/
    for part in $rel; do
        path=$path/$part
        [ -d "$path" ] || install -d -m 0700 -o "$DESK_USER" -g "$(id -g "$DESK_USER")" "$path" || return 1
    done
}

# desk_share_tmp JAIL: the session's TMPDIR ($DESK_HOME/tmp) shared into
# JAIL's home through the user's own list (~/.netns-exec/JAIL/shared), as a
# user whose TMPDIR is in the home shares it: the jail's home is its own,
# and without it Chromium aborts ("Failed to create socket directory").
desk_share_tmp() {
    local list=$DESK_HOME/.netns-exec/$1/shared
    desk_mkdir "$DESK_HOME/.netns-exec/$1" || return 1
    printf 'tmp\n' >"$list" && chown "$DESK_USER" "$list" && chmod 0600 "$list"
}

# --- looking at the screen ----------------------------------------------------
# desk_screenshot FILE: the whole screen as an X window dump (xwd, from
# x11-apps; ImageMagick's `convert xwd:FILE out.png` makes it a picture).
# For debugging a suite; no check looks at the screen.
desk_screenshot() {
    desk_run xwd -root -silent >"$1" 2>/dev/null
}

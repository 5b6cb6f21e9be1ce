#!/bin/bash
# A jailed program keeps its own state (JailState.swift): by default the
# jail's mount view puts the jail's own directories over ~/.config,
# ~/.local/share, ~/.local/state, ~/.cache and ~/.mozilla, keeps them in
# ~/.netns-exec/NAME/, hides the session bus, and drops XDG_*_HOME, so a
# jailed program can neither hand its work to a copy of itself running
# outside (a profile socket, a D-Bus name) nor leave work in a profile that
# an unjailed start later picks up. Each check has a control with
# state=shared, where the hand-off channel is open.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-jail-state
require_root
require_cmd setcap ip setpriv usermod socat dbus-daemon dbus-send

NS=nxst_ns
SHARED=nxst_shared
USR=nxst_user
make_scratch_dir SCRATCH
NX=$(install_launcher "$SCRATCH") || { fail "install the test build"; suite_end; }
make_test_user $USR
HOMEDIR=$SCRATCH/home/$USR
install -d -m 0755 "$SCRATCH/home"
install -d -m 0755 -o $USR -g "$(id -g $USR)" "$HOMEDIR"
usermod -d "$HOMEDIR" $USR
# The launcher asks the password database, and a running nscd would answer
# from its cache (the home of an earlier run's user of the same name).
nscd -i passwd 2>/dev/null
check_eq "the password database names the new home" "$HOMEDIR" "$(getent passwd $USR | cut -d: -f6)"
make_netns $NS
make_netns $SHARED
# No /etc/netns/NAME for these: resolver=host says that is meant.
write_test_policy "$NS $USR resolver=host
$SHARED $USR state=shared resolver=host"
UID_=$(id -u $USR)
RUNDIR=/run/user/$UID_
install -d -m 0700 -o $USR "$RUNDIR"
on_exit "rm -rf '$RUNDIR'"
u() { as_user $USR env HOME="$HOMEDIR" XDG_RUNTIME_DIR="$RUNDIR" "$@"; }

# --- the profile: settings written in the jail stay in the jail --------------
u sh -c 'mkdir -p ~/.config/app ~/.mozilla/firefox && echo outside >~/.config/app/setting && echo outside >~/.mozilla/firefox/profiles.ini'
check_eq "jail: the outside settings are not there" "none" "$(u "$NX" $NS sh -c 'cat ~/.config/app/setting 2>/dev/null || echo none')"
u "$NX" $NS sh -c 'mkdir -p ~/.config/app && echo jailed >~/.config/app/setting'
check_eq "outside: the jail's write did not reach the user's profile" outside "$(u cat "$HOMEDIR/.config/app/setting")"
check_eq "the jail's settings are kept for it, in ~/.netns-exec/$NS" jailed "$(u cat "$HOMEDIR/.netns-exec/$NS/config/app/setting")"
check_eq "jail: its own settings are there next time" jailed "$(u "$NX" $NS cat "$HOMEDIR/.config/app/setting")"
check_eq "jail: Firefox's ~/.mozilla is the jail's too" none "$(u "$NX" $NS sh -c 'cat ~/.mozilla/firefox/profiles.ini 2>/dev/null || echo none')"
for d in .local/share .local/state .cache; do
    u sh -c "mkdir -p ~/$d/nxst && echo outside >~/$d/nxst/f"
    check_eq "jail: ~/$d is the jail's" none "$(u "$NX" $NS sh -c "cat ~/$d/nxst/f 2>/dev/null || echo none")"
done
u sh -c 'mkdir -p ~/Downloads && echo mine >~/Downloads/doc'
check_eq "jail: ~/Downloads is the user's own" mine "$(u "$NX" $NS cat "$HOMEDIR/Downloads/doc")"
check_eq "control (state=shared): the outside settings are there" outside "$(u "$NX" $SHARED cat "$HOMEDIR/.config/app/setting")"

# --- a profile socket (qBittorrent's ipc-socket): no hand-off ---------------
u mkdir -p "$HOMEDIR/.config/qBittorrent"
bg_as_user LISTENER $USR timeout 20 socat -u UNIX-LISTEN:"$HOMEDIR/.config/qBittorrent/ipc-socket",fork OPEN:"$HOMEDIR/handed-off",creat,append
wait_for 5 test -S "$HOMEDIR/.config/qBittorrent/ipc-socket" || fail "the outside instance's socket"
u "$NX" $NS sh -c 'echo magnet:jailed | socat -u - UNIX-CONNECT:$HOME/.config/qBittorrent/ipc-socket' 2>/dev/null
u "$NX" $SHARED sh -c 'echo magnet:shared | socat -u - UNIX-CONNECT:$HOME/.config/qBittorrent/ipc-socket' 2>/dev/null
wait_for 3 grep -q shared "$HOMEDIR/handed-off"
check_contains "control (state=shared): the link reaches the instance outside through its profile socket" \
    magnet:shared "$(cat "$HOMEDIR/handed-off" 2>/dev/null)"
check_not_contains "jail: the link never reaches the instance outside" magnet:jailed "$(cat "$HOMEDIR/handed-off" 2>/dev/null)"

# --- the session bus (Firefox's OpenURL, GApplication's Open): hidden -----
bg_as_user DAEMON $USR dbus-daemon --session --nofork --nopidfile --address="unix:path=$RUNDIR/bus" >"$SCRATCH/bus.log" 2>&1
wait_for 5 test -S "$RUNDIR/bus" || fail "session bus did not start"
listnames='dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.ListNames >/dev/null 2>&1 && echo reached || echo hidden'
check_eq "control: outside, the session bus is reached" reached \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" sh -c "$listnames")"
check_eq "control (state=shared): the jail reaches the session bus outside" reached \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" "$NX" $SHARED sh -c "$listnames")"
check_eq "jail: the session bus is not reached through the caller's address" hidden \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" "$NX" $NS sh -c "$listnames")"
check_eq "jail: nor through \$XDG_RUNTIME_DIR/bus" hidden \
    "$(u "$NX" $NS sh -c "unset DBUS_SESSION_BUS_ADDRESS; $listnames")"
check_eq "jail: the bus socket is not there at all" absent \
    "$(u "$NX" $NS sh -c "test -e $RUNDIR/bus && echo present || echo absent")"

# --- the rest of /run/user/UID: an allow-list (RuntimeDirectory.swift) -----
# Every daemon of the user's that listens there acts outside the jail:
# systemd --user's private socket runs commands (systemd-run --user), a
# sound server loads a tunnel module that connects where the client says,
# dirmngr fetches keys. Under per-jail state only the display, PipeWire and
# dconf are shown; socat listeners stand in for the daemons.
install -d -m 0700 -o $USR "$RUNDIR/systemd" "$RUNDIR/pulse" "$RUNDIR/gnupg" "$RUNDIR/dconf"
: >"$RUNDIR/dconf/user"; chown $USR "$RUNDIR/dconf/user"
: >"$SCRATCH/private.log"; chmod 0666 "$SCRATCH/private.log"
for sock in systemd/private pulse/native gnupg/S.dirmngr wayland-0 pipewire-0; do
    bg_as_user L $USR timeout 60 socat -u UNIX-LISTEN:"$RUNDIR/$sock",fork OPEN:"$SCRATCH/private.log",append
done
wait_for 5 test -S "$RUNDIR/pipewire-0" -a -S "$RUNDIR/systemd/private" || fail "the stand-in daemons did not start"
reach() { printf '%s\n' "$2" | socat -u - UNIX-CONNECT:"$1" 2>/dev/null && echo reached || echo hidden; }
check_eq "per-jail: /run/user/UID shows only what a desktop program needs" "dconf pipewire-0 wayland-0" \
    "$(u "$NX" $NS sh -c "ls -A '$RUNDIR' | sort | tr '\n' ' ' | sed 's/ \$//'")"
check_eq "control (state=shared): systemd --user's private socket is reached from the jail" reached \
    "$(u "$NX" $SHARED sh -c "$(declare -f reach); reach '$RUNDIR/systemd/private' shared-private")"
check_eq "per-jail: systemd --user's private socket is not" hidden \
    "$(u "$NX" $NS sh -c "$(declare -f reach); reach '$RUNDIR/systemd/private' jailed-private")"
check_eq "per-jail: nor the sound server's pulse/native" hidden \
    "$(u "$NX" $NS sh -c "$(declare -f reach); reach '$RUNDIR/pulse/native' jailed-pulse")"
check_eq "per-jail: the display socket is reached" reached \
    "$(u "$NX" $NS sh -c "$(declare -f reach); reach '$RUNDIR/wayland-0' jailed-wayland")"
check_eq "per-jail: dconf's flag file is there" present \
    "$(u "$NX" $NS sh -c "test -f '$RUNDIR/dconf/user' && echo present")"
wait_for 3 grep -q jailed-wayland "$SCRATCH/private.log"
check_not_contains "no jailed message reached a hidden daemon" jailed-p "$(cat "$SCRATCH/private.log")"
check_contains "the shared one did (the listeners work)" shared-private "$(cat "$SCRATCH/private.log")"

# --- names are bytes ---------------------------------------------------------
# Two names that differ only in bytes that are not UTF-8 were one name to
# the launcher (U+FFFD), and every per-jail launch failed with "mkdir(...):
# File exists". Shown here under a name the allow-list keeps.
u sh -c "echo fe >'$RUNDIR/wayland-'\$(printf '\\376') && echo fd >'$RUNDIR/wayland-'\$(printf '\\375') && : >'$RUNDIR/'\$(printf '\\376') && : >'$RUNDIR/'\$(printf '\\375')"
check "control: outside, the two names are two entries" test -f "$RUNDIR"/wayland-$'\xfe' -a -f "$RUNDIR"/wayland-$'\xfd' -a "$(cat "$RUNDIR"/wayland-$'\xfe')" = fe
check_eq "per-jail: the launch works, and each keeps its own name and content" "fd fe" \
    "$(u "$NX" $NS sh -c "cat '$RUNDIR/wayland-'\$(printf '\\375') '$RUNDIR/wayland-'\$(printf '\\376') | tr '\n' ' ' | sed 's/ \$//'")"
rm -f "$RUNDIR"/wayland-$'\xfe' "$RUNDIR"/wayland-$'\xfd' "$RUNDIR"/$'\xfe' "$RUNDIR"/$'\xfd'

# --- binds by descriptor: a racing link is never followed ------------------
# The caller swaps dconf between its real directory and a link to a decoy
# directory (renameat2 RENAME_EXCHANGE, as fast as it can, bounded to 25 s)
# while launching. The launcher opens each entry once with O_PATH|O_NOFOLLOW
# and binds that descriptor, so the jail's dconf is the real directory or a
# copy of the link, never the decoy bound as a directory.
DECOY=$SCRATCH/decoy
install -d -m 0755 "$DECOY" && : >"$DECOY/decoy"
u sh -c "echo real >'$RUNDIR/dconf/real' && ln -sfn '$DECOY' '$RUNDIR/dconf.swap'"
SWAPPER=$SCRATCH/swap.py
cat >"$SWAPPER" <<'PY'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = (os.fsencode(p) for p in sys.argv[1:3])
end = time.monotonic() + 25
while time.monotonic() < end and not os.path.exists(sys.argv[3]):
    for _ in range(1000):
        libc.syscall(316, -100, a, -100, b, 2)   # renameat2(..., RENAME_EXCHANGE)
PY
STOP=$SCRATCH/swap.stop
bg_as_user SWAP $USR python3 "$SWAPPER" "$RUNDIR/dconf" "$RUNDIR/dconf.swap" "$STOP"
dirs=0 links=0 decoys=0 failed=0
for i in $(seq 1 60); do
    seen=$(u "$NX" $NS sh -c "if [ -L '$RUNDIR/dconf' ]; then echo link; elif [ -e '$RUNDIR/dconf/decoy' ]; then echo decoy; elif [ -e '$RUNDIR/dconf/real' ]; then echo dir; else echo other; fi" 2>/dev/null) || failed=$((failed + 1))
    case $seen in dir) dirs=$((dirs + 1)) ;; link) links=$((links + 1)) ;; decoy) decoys=$((decoys + 1)) ;; esac
done
# The control: the same swap against a bind by name (mount(8) in a mount
# namespace of its own, as the old launcher bound /proc/self/fd/N/NAME).
install -d -m 0755 "$SCRATCH/byname"
byname=0
for i in $(seq 1 60); do
    r=$(unshare -m sh -c "mount --bind '$RUNDIR/dconf' '$SCRATCH/byname' 2>/dev/null && ls '$SCRATCH/byname'")
    [ "$r" = decoy ] && byname=$((byname + 1))
done
touch "$STOP"; kill_pid "$SWAP"
u sh -c "[ -L '$RUNDIR/dconf' ] && mv -T '$RUNDIR/dconf.swap' '$RUNDIR/dconf.tmp' && mv -T '$RUNDIR/dconf' '$RUNDIR/dconf.swap' && mv -T '$RUNDIR/dconf.tmp' '$RUNDIR/dconf'; rm -f '$RUNDIR/dconf.swap'"
echo "       60 racing launches: $dirs saw the directory, $links the link, $decoys the decoy bound, $failed failed; binds by name: $byname of 60 bound the decoy"
check_eq "60 racing launches: the decoy is never bound into the jail" 0 "$decoys"
check_eq "and every launch ran" 0 "$failed"
check "the race was run: some launches caught the link (copied as a link)" test "$links" -gt 0
check "control: a bind by name during the same race binds the decoy" test "$byname" -gt 0
rm -rf "$RUNDIR/systemd" "$RUNDIR/pulse" "$RUNDIR/gnupg" "$RUNDIR/wayland-0" "$RUNDIR/pipewire-0"

# --- no silent hand-off under state=shared (HandOff.swift) -----------------
# The program is a copy of socat under a name of its own, so nothing else on
# the machine runs it; outside, it listens on a socket as qBittorrent does
# in its profile. The script stands for Debian's /usr/bin/chromium, a
# wrapper that execs the real binary, so it is compared by process name. A
# copy of sleep stands for the user's shell: running, but holding no socket
# that could take work.
APPS=$SCRATCH/apps
install -d -m 0755 "$APPS/bin" "$APPS/lib"
install -m 0755 "$(command -v socat)" "$APPS/bin/nxst-app"
install -m 0755 "$(command -v socat)" "$APPS/lib/nxst-browser"
install -m 0755 "$(command -v sleep)" "$APPS/bin/nxst-shell"
printf '#!/bin/sh\nexec %s "$@"\n' "$APPS/lib/nxst-browser" >"$APPS/bin/nxst-browser"
chmod 0755 "$APPS/bin/nxst-browser"
ua() { u env PATH="$APPS/bin:/usr/bin:/bin" "$@"; }
started() { wait_for 5 sh -c "readlink /proc/$1/exe | grep -q '$2'"; }
check_eq "state=shared, no copy running: the program runs" ok "$(ua "$NX" $SHARED sh -c 'nxst-app -V >/dev/null && echo ok')"
bg_as_user COPY $USR "$APPS/bin/nxst-app" UNIX-LISTEN:"$HOMEDIR/.config/nxst-ipc" STDOUT
started "$COPY" nxst-app || fail "the copy outside did not start"
err=$(ua "$NX" $SHARED nxst-app -V 2>&1); rc=$?
check_eq "state=shared, the same program running outside: refused with 125" 125 $rc
check_eq "in one line" 1 "$(printf '%s\n' "$err" | wc -l)"
check_contains "naming the program and the copy" \
    "netns-exec: nxst-app is already running outside jail $SHARED (process $COPY)" "$err"
check_contains "and what to do" "quit it first, or ask an administrator for state=per-jail" "$err"
err=$(ua "$NX" $SHARED "$APPS/bin/nxst-app" -V 2>&1); rc=$?
check_eq "the same, named by its path" 125 $rc
check_eq "per-jail state: the same launch runs (nothing can reach the copy)" ok \
    "$(ua "$NX" $NS sh -c 'nxst-app -V >/dev/null && echo ok')"
check_eq "state=shared, another program: runs" ok "$(ua "$NX" $SHARED sh -c 'echo ok')"
kill_pid "$COPY"
bg_as_user SHELLCOPY $USR "$APPS/bin/nxst-shell" 60
started "$SHELLCOPY" nxst-shell || fail "the shell stand-in did not start"
check_eq "state=shared, a copy outside that holds no socket (a shell): runs" ok \
    "$(ua "$NX" $SHARED sh -c 'nxst-shell 0 && echo ok')"
kill_pid "$SHELLCOPY"
bg_as_user INSIDE $USR "$NX" $SHARED "$APPS/bin/nxst-app" UNIX-LISTEN:"$HOMEDIR/.config/nxst-ipc2" STDOUT
started "$INSIDE" nxst-app || fail "the copy inside did not start"
check_eq "state=shared, a copy running inside the same jail: runs" ok \
    "$(ua "$NX" $SHARED sh -c 'nxst-app -V >/dev/null && echo ok')"
kill_pid "$INSIDE"
bg_as_user OTHER $USR "$NX" $NS "$APPS/bin/nxst-app" UNIX-LISTEN:/tmp/nxst-ipc3 STDOUT
started "$OTHER" nxst-app || fail "the copy in the other jail did not start"
err=$(ua "$NX" $SHARED nxst-app -V 2>&1); rc=$?
check_eq "state=shared, a copy running in another jail: refused with 125" 125 $rc
kill_pid "$OTHER"
bg_as_user WRAPPED $USR "$APPS/bin/nxst-browser" UNIX-LISTEN:"$HOMEDIR/.config/nxst-ipc4" STDOUT
wait_for 5 sh -c "grep -qx nxst-browser /proc/$WRAPPED/comm" || fail "the wrapped copy outside did not start"
err=$(ua "$NX" $SHARED nxst-browser -V 2>&1); rc=$?
check_eq "state=shared, a wrapper script whose program runs outside: refused with 125" 125 $rc
check_contains "naming it" "netns-exec: nxst-browser is already running outside jail $SHARED" "$err"
kill_pid "$WRAPPED"
rm -f "$HOMEDIR"/.config/nxst-ipc* /tmp/nxst-ipc3

# --- links opened in the jail: the handler starts inside --------------------
# xdg-open and gio open find the URL's handler in the MIME defaults and run
# its Exec= themselves, so the browser they start is a child of the jailed
# program, in the jail (with the jail's profile and no bus, above). The
# handler here writes down the network namespace it ran in.
SHARE=$SCRATCH/share
install -d -m 0755 "$SHARE/applications"
printf '#!/bin/sh\nreadlink /proc/self/ns/net >"%s/opened-$1"\n' "$HOMEDIR" >"$SHARE/nxst-handler"
chmod 0755 "$SHARE/nxst-handler"
cat >"$SHARE/applications/nxst-browser.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=nxst browser
Exec=$SHARE/nxst-handler %u
MimeType=x-scheme-handler/nxst;
EOF
printf '[Default Applications]\nx-scheme-handler/nxst=nxst-browser.desktop\n' >"$SHARE/applications/mimeapps.list"
JAIL_NET="net:[$(stat -L -c %i /run/netns/$NS)]"
# xdg-open asks the MIME defaults only when a display is set (any name will do).
ux() { u env XDG_DATA_DIRS="$SHARE:/usr/share" XDG_CURRENT_DESKTOP=X-Generic DISPLAY=:nxst "$@"; }
ux xdg-open nxst:outside >/dev/null 2>&1
wait_for 5 test -s "$HOMEDIR/opened-nxst:outside"
check_eq "control: xdg-open outside runs the handler outside" "$(readlink /proc/self/ns/net)" \
    "$(cat "$HOMEDIR/opened-nxst:outside" 2>/dev/null)"
ux "$NX" $NS xdg-open nxst:xdg >/dev/null 2>&1
wait_for 5 test -s "$HOMEDIR/opened-nxst:xdg"
check_eq "jail: xdg-open starts the link's handler inside the jail" "$JAIL_NET" "$(cat "$HOMEDIR/opened-nxst:xdg" 2>/dev/null)"
ux "$NX" $NS gio open nxst:gio >/dev/null 2>&1
wait_for 5 test -s "$HOMEDIR/opened-nxst:gio"
check_eq "jail: gio open, with no bus to activate through, starts it inside too" "$JAIL_NET" \
    "$(cat "$HOMEDIR/opened-nxst:gio" 2>/dev/null)"

# --- the caller's XDG overrides do not lead back to the shared profile ------
check_eq "jail: XDG_CONFIG_HOME and friends are not passed on" "" \
    "$(u env XDG_CONFIG_HOME="$HOMEDIR/.config" XDG_DATA_HOME=/x XDG_CACHE_HOME=/y XDG_STATE_HOME=/z "$NX" $NS env | grep '^XDG_[A-Z]*_HOME=')"

# --- links cannot aim the launcher's binds elsewhere ------------------------
u sh -c 'rm -rf ~/.cache && ln -s /etc ~/.cache'
err=$(u "$NX" $NS true 2>&1); rc=$?
check_eq "~/.cache as a link to /etc: refused with 125" 125 $rc
check_contains "and says why" "netns-exec: '$HOMEDIR/.cache' is not a directory (a link?)" "$err"
u sh -c 'rm -f ~/.cache && mkdir ~/.cache'
u sh -c "rm -rf ~/.netns-exec/$NS/cache && ln -s /etc ~/.netns-exec/$NS/cache"
err=$(u "$NX" $NS true 2>&1); rc=$?
check_eq "the jail's own store as a link to /etc: refused with 125" 125 $rc
u sh -c "rm -f ~/.netns-exec/$NS/cache"
check_eq "after the fix the launch works again" ok "$(u "$NX" $NS echo ok)"

suite_end

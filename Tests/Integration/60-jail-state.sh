#!/bin/bash
# A jailed program runs in a jail session of its own (JailState.swift,
# SharedFolders.swift, JailRuntime.swift, SessionBus.swift): by default its
# home is the jail's (~/.netns-exec/NAME/home) with the user's documents
# shared in (the XDG user directories, share= in the policy, the user's
# list), its runtime directory is the jail's, and so is its session bus,
# one per user and jail, started by the first launch; XDG_*_HOME are
# dropped. So a jailed program can neither hand its work to a copy of
# itself running outside (a profile socket, a D-Bus name, a socket in the
# runtime directory) nor leave work in a profile that an unjailed start
# later picks up, while jailed copies find one another. Each check has a
# control with state=shared, where the hand-off channel is open.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-jail-state
require_root
require_cmd setcap ip setpriv usermod socat dbus-daemon dbus-send
/usr/bin/python3 -c 'import jeepney' 2>/dev/null || { skip "python3-jeepney (make test-deps)"; suite_end; }

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
write_test_policy "$NS $USR resolver=host share=Projects,.nxst-listed
$SHARED $USR state=shared resolver=host"
UID_=$(id -u $USR)
RUNDIR=/run/user/$UID_
install -d -m 0700 -o $USR "$RUNDIR"
on_exit "rm -rf '$RUNDIR'"
u() { as_user $USR env HOME="$HOMEDIR" XDG_RUNTIME_DIR="$RUNDIR" "$@"; }
STORE=$HOMEDIR/.netns-exec/$NS
# The jail's buses are the test user's processes in a jail's network
# namespace, found by PID and stopped at exit (never by name).
jail_buses() {
    local net p
    net=$(stat -L -c %i /run/netns/$NS 2>/dev/null) || return 0
    for p in $(pgrep -u "$UID_" -x dbus-daemon); do
        [ "$(stat -L -c %i /proc/$p/ns/net 2>/dev/null)" = "$net" ] && echo "$p"
    done
}
stop_jail_buses() { local p; for p in $(jail_buses); do kill_pid "$p"; done; }
on_exit stop_jail_buses

# --- an earlier launcher's stores move into the jail's home, once -----------
u sh -c "mkdir -p '$STORE/config/app' '$STORE/cache' && echo earlier >'$STORE/config/app/earlier' && echo c >'$STORE/cache/c'"
check_eq "jail: the earlier store's settings are the jail's ~/.config" earlier \
    "$(u "$NX" $NS sh -c 'cat ~/.config/app/earlier 2>&1')"
check_eq "moved into the jail's home, nothing left behind" "earlier c gone" \
    "$(u sh -c "cat '$STORE/home/.config/app/earlier' '$STORE/home/.cache/c'; test -e '$STORE/config' || echo gone" | tr '\n' ' ' | sed 's/ $//')"

# --- the profile: settings written in the jail stay in the jail --------------
u sh -c 'mkdir -p ~/.config/app ~/.mozilla/firefox && echo outside >~/.config/app/setting && echo outside >~/.mozilla/firefox/profiles.ini'
check_eq "jail: the outside settings are not there" "none" "$(u "$NX" $NS sh -c 'cat ~/.config/app/setting 2>/dev/null || echo none')"
u "$NX" $NS sh -c 'mkdir -p ~/.config/app && echo jailed >~/.config/app/setting'
check_eq "outside: the jail's write did not reach the user's profile" outside "$(u cat "$HOMEDIR/.config/app/setting")"
check_eq "the jail's settings are kept for it, in ~/.netns-exec/$NS/home" jailed "$(u cat "$STORE/home/.config/app/setting")"
check_eq "jail: its own settings are there next time" jailed "$(u "$NX" $NS cat "$HOMEDIR/.config/app/setting")"
check_eq "jail: Firefox's ~/.mozilla is the jail's too" none "$(u "$NX" $NS sh -c 'cat ~/.mozilla/firefox/profiles.ini 2>/dev/null || echo none')"
for d in .local/share .local/state .cache; do
    u sh -c "mkdir -p ~/$d/nxst && echo outside >~/$d/nxst/f"
    check_eq "jail: ~/$d is the jail's" none "$(u "$NX" $NS sh -c "cat ~/$d/nxst/f 2>/dev/null || echo none")"
done
u sh -c 'mkdir -p ~/Downloads && echo mine >~/Downloads/doc'
check_eq "jail: ~/Downloads is the user's own" mine "$(u "$NX" $NS cat "$HOMEDIR/Downloads/doc")"
u "$NX" $NS sh -c 'echo saved-in-jail >~/Downloads/from-jail'
check_eq "a document saved in the jail's ~/Downloads is in the real Downloads" saved-in-jail \
    "$(cat "$HOMEDIR/Downloads/from-jail" 2>&1)"
check_eq "control (state=shared): the outside settings are there" outside "$(u "$NX" $SHARED cat "$HOMEDIR/.config/app/setting")"

# --- the rest of the real home is not there ---------------------------------
# Thunderbird keeps its profile (and its lock) in ~/.thunderbird, which no
# list of known places covered: every dot-file is the jail's own unless
# listed.
u sh -c 'mkdir -p ~/.thunderbird ~/.nxst-listed && echo lock >~/.thunderbird/lock && echo dot >~/.nxst-dotfile && echo l >~/.nxst-listed/f'
u sh -c 'mkdir -p ~/Projects ~/Games && echo p >~/Projects/p && echo g >~/Games/g'
check_eq "jail: a dot-file of the real home is not there" absent \
    "$(u "$NX" $NS sh -c 'test -e ~/.nxst-dotfile && echo present || echo absent')"
check_eq "control (state=shared): it is" present \
    "$(u "$NX" $SHARED sh -c 'test -e ~/.nxst-dotfile && echo present || echo absent')"
check_eq "jail: nor ~/.thunderbird" absent "$(u "$NX" $NS sh -c 'test -e ~/.thunderbird && echo present || echo absent')"
check_eq "jail: ~/.netns-exec (the jail's store) is not there" absent \
    "$(u "$NX" $NS sh -c 'test -e ~/.netns-exec && echo present || echo absent')"
check_eq "jail: the administrator's share= folders are (Projects, .nxst-listed)" "p l" \
    "$(u "$NX" $NS sh -c 'cat ~/Projects/p ~/.nxst-listed/f 2>&1' | tr '\n' ' ' | sed 's/ $//')"
check_eq "jail: ~/Games is not, before the user lists it" absent \
    "$(u "$NX" $NS sh -c 'test -e ~/Games/g && echo present || echo absent')"
u sh -c "echo Games >'$STORE/shared'"
check_eq "jail: after the user lists it in ~/.netns-exec/$NS/shared, it is" g "$(u "$NX" $NS cat "$HOMEDIR/Games/g" 2>&1)"
u sh -c "printf '.netns-exec\n../..\n' >'$STORE/shared'"
err=$(u "$NX" $NS sh -c 'ls -A ~/.netns-exec 2>/dev/null | head -n 1' 2>&1); rc=$?
check_eq "a list naming ~/.netns-exec or ../..: the launch runs, without them" 0 $rc
check_contains "one line says the first is ignored" "netns-exec: $STORE/shared: ignoring '.netns-exec'" "$err"
check_contains "one line says the second is" "netns-exec: $STORE/shared: ignoring '../..'" "$err"
u rm -f "$STORE/shared"

# --- ~/.config/user-dirs.dirs: read carefully --------------------------------
u sh -c 'mkdir -p ~/Téléchargements ~/.config && echo fr >~/Téléchargements/f && printf "XDG_DOWNLOAD_DIR=\"\$HOME/Téléchargements\"\nXDG_MUSIC_DIR=\"/etc\"\n" >~/.config/user-dirs.dirs'
err=$(u "$NX" $NS sh -c 'cat ~/Téléchargements/f; test -e ~/etc && echo etc-bound; test -e ~/Downloads/doc || echo no-downloads' 2>&1)
check_contains "jail: the folder user-dirs.dirs names for downloads is shared" fr "$err"
check_contains "jail: the folders it does not name keep their default names (Documents...), not Downloads" no-downloads "$err"
check_not_contains "a user directory outside the home is not shared" etc-bound "$err"
check_contains "and one line says so" "ignoring 'XDG_MUSIC_DIR'='/etc': only a folder inside the home is shared with the jail" "$err"
# The jail's own user-dirs.dirs names the shared folder, so a program there
# finds the user's downloads under the user's name for them. Control: the
# same launch with the jail's file gone (as before the launcher wrote one)
# finds no such name.
err=$(u "$NX" $NS sh -c 'xdg-user-dir DOWNLOAD; xdg-user-dir MUSIC; rm ~/.config/user-dirs.dirs; xdg-user-dir DOWNLOAD' 2>/dev/null)
check_eq "jail: xdg-user-dir finds the shared downloads by the user's name, and MUSIC (outside) unnamed; control: without the jail's file, not" \
    "$(printf '%s\n' "$HOMEDIR/Téléchargements" "$HOMEDIR" "$HOMEDIR")" "$err"
check_contains "jail: the file is written again at the next launch" 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"' \
    "$(u "$NX" $NS cat "$HOMEDIR/.config/user-dirs.dirs" 2>&1)"
u sh -c 'rm ~/.config/user-dirs.dirs && ln -s /etc/passwd ~/.config/user-dirs.dirs'
err=$(u "$NX" $NS sh -c 'cat ~/Downloads/doc' 2>&1)
check_contains "user-dirs.dirs as a link: ignored, the default folders shared" mine "$err"
check_contains "with one line" "netns-exec: ignoring '$HOMEDIR/.config/user-dirs.dirs': it, or a folder on its way, is a link" "$err"
u sh -c 'rm ~/.config/user-dirs.dirs && head -c 20000 /dev/zero | tr "\0" "#" >~/.config/user-dirs.dirs'
err=$(u "$NX" $NS sh -c 'cat ~/Downloads/doc' 2>&1)
check_contains "a huge user-dirs.dirs: ignored, the default folders shared" mine "$err"
check_contains "with one line" "netns-exec: ignoring '$HOMEDIR/.config/user-dirs.dirs': it is larger than 16384 bytes" "$err"
u rm -f "$HOMEDIR/.config/user-dirs.dirs"
u sh -c 'mv ~/Downloads ~/Downloads.real && ln -s Downloads.real ~/Downloads'
err=$(u "$NX" $NS sh -c 'test -e ~/Downloads/doc && echo followed' 2>&1)
check_not_contains "a user directory that is a link is not followed" followed "$err"
check_contains "one line says so" "not sharing '$HOMEDIR/Downloads' with the jail: it is not a directory (a link?)" "$err"
u sh -c 'rm ~/Downloads && mv ~/Downloads.real ~/Downloads'

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

# --- the session bus: the jail's own, shared by its launches ----------------
# Outside, the user's bus holds a name (org.nxst.Outside): the jail's
# programs never see it, whatever address they use, while two jailed
# launches find each other's names on the jail's bus.
bg_as_user DAEMON $USR dbus-daemon --session --nofork --nopidfile --address="unix:path=$RUNDIR/bus" >"$SCRATCH/bus.log" 2>&1
wait_for 5 test -S "$RUNDIR/bus" || fail "session bus did not start"
OWN="/usr/bin/python3 $REPO_ROOT/Tests/lib/own-name.py"
: >"$SCRATCH/outside.ready"; chmod 0666 "$SCRATCH/outside.ready"
bg_as_user OUTSIDE_NAME $USR env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" $OWN org.nxst.Outside "$SCRATCH/outside.ready" 60
wait_for 5 grep -q owned "$SCRATCH/outside.ready" || fail "the name outside was not owned"
has() { printf 'dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:%s 2>&1 | grep -o "boolean [a-z]*" || echo unreachable' "$1"; }
busid='dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId 2>&1 | grep -o "\"[0-9a-f]*\"" || echo unreachable'
OUTSIDE_ID=$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" sh -c "$busid")
check_eq "control: outside, the name is owned on the user's bus" "boolean true" \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" sh -c "$(has org.nxst.Outside)")"
check_eq "control (state=shared): the jail sees the name outside" "boolean true" \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" "$NX" $SHARED sh -c "$(has org.nxst.Outside)")"
check_eq "jail: the name owned outside is not seen, through the caller's address" "boolean false" \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" "$NX" $NS sh -c "$(has org.nxst.Outside)")"
check_eq "jail: nor through \$XDG_RUNTIME_DIR/bus" "boolean false" \
    "$(u "$NX" $NS sh -c "DBUS_SESSION_BUS_ADDRESS=unix:path=\$XDG_RUNTIME_DIR/bus; export DBUS_SESSION_BUS_ADDRESS; $(has org.nxst.Outside)")"
JAIL_ID=$(u "$NX" $NS sh -c "$busid")
check "jail: $RUNDIR/bus is a bus, the jail's own (another id than the user's)" \
    test "$JAIL_ID" != unreachable -a -n "$JAIL_ID" -a "$JAIL_ID" != "$OUTSIDE_ID"
check_eq "jail: the program's bus address names it" "unix:path=$RUNDIR/bus $RUNDIR" \
    "$(u env DBUS_SESSION_BUS_ADDRESS=unix:path=/elsewhere XDG_RUNTIME_DIR=/elsewhere "$NX" $NS sh -c 'echo "$DBUS_SESSION_BUS_ADDRESS $XDG_RUNTIME_DIR"')"
: >"$SCRATCH/jailed.ready"; chmod 0666 "$SCRATCH/jailed.ready"
bg_as_user JAILED_NAME $USR env HOME="$HOMEDIR" XDG_RUNTIME_DIR="$RUNDIR" "$NX" $NS sh -c \
    "echo here >\$XDG_RUNTIME_DIR/nxst-marker && exec $OWN org.nxst.Jailed '$SCRATCH/jailed.ready' 60"
wait_for 10 grep -q owned "$SCRATCH/jailed.ready" || fail "the jailed name was not owned"
check_eq "two launches in one jail share its bus: the second sees the first's name" "boolean true" \
    "$(u "$NX" $NS sh -c "$(has org.nxst.Jailed)")"
check_eq "and its runtime directory" here "$(u "$NX" $NS sh -c 'cat $XDG_RUNTIME_DIR/nxst-marker' 2>&1)"
check_eq "which is not the real one" "absent here" \
    "$(test -e "$RUNDIR/nxst-marker" && echo present || echo absent) $(cat "$RUNDIR/netns-exec/$NS/nxst-marker" 2>&1)"
check_eq "the jail's name is not on the user's bus outside" "boolean false" \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" sh -c "$(has org.nxst.Jailed)")"
check_eq "control (state=shared): nor seen from a shared launch" "boolean false" \
    "$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/bus" "$NX" $SHARED sh -c "$(has org.nxst.Jailed)")"
kill_pid "$JAILED_NAME"
rm -f "$RUNDIR/netns-exec/$NS/nxst-marker"
check_eq "one bus for the jail so far" 1 "$(jail_buses | wc -l)"
bus=$(jail_buses)
check_eq "it runs as the user" "$USR" "$(ps -o user= -p "$bus" 2>/dev/null)"
check_eq "in the jail's network namespace" "$(stat -L -c %i /run/netns/$NS)" "$(stat -L -c %i /proc/$bus/ns/net)"
check_eq "under the jail's seccomp filter, as the program" 2 "$(awk '/^Seccomp:/ {print $2}' /proc/$bus/status)"
check_eq "in a session of its own (daemonized)" "$bus" "$(ps -o sid= -p "$bus" | tr -d ' ')"
check_eq "listening on no TCP or UDP port" "" "$(ip netns exec $NS ss -Htulpn 2>/dev/null | grep "pid=$bus,")"

# Two launches at once, with no bus yet: one bus is started (the lock).
stop_jail_buses
wait_for 5 sh -c "[ -z \"\$(pgrep -u $UID_ -x dbus-daemon | grep -vx $DAEMON)\" ]"
racers=()
for i in 1 2 3 4 5; do u "$NX" $NS true & racers+=($!); done
wait "${racers[@]}"
check_eq "five first launches at once started one bus" 1 "$(jail_buses | wc -l)"
# A bus killed with SIGKILL leaves its socket: the next launch starts another.
bus=$(jail_buses); kill -KILL "$bus"; wait_for 5 sh -c "! kill -0 $bus"
check "the killed bus left its socket behind" test -S "$RUNDIR/netns-exec/$NS/bus"
check_eq "the next launch starts a new bus" "boolean true" "$(u "$NX" $NS sh -c "$(has org.freedesktop.DBus)")"
check_eq "one again" 1 "$(jail_buses | wc -l)"
# A bus started outside the jail at the jail's bus path (the user's own
# program, in the host's network namespace) is never joined: the launch
# finds its listener outside the jail's namespace, stops it and starts the
# jail's own.
stop_jail_buses
rm -f "$RUNDIR/netns-exec/$NS/bus"
bg_as_user SQUATTER $USR dbus-daemon --session --nofork --nopidfile --address="unix:path=$RUNDIR/netns-exec/$NS/bus"
wait_for 5 test -S "$RUNDIR/netns-exec/$NS/bus"
SQUAT_ID=$(u env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNDIR/netns-exec/$NS/bus" sh -c "$busid")
check "control: outside, a bus listens at the jail's bus path" test "$SQUAT_ID" != unreachable
JAIL_ID2=$(u "$NX" $NS sh -c "$busid")
check "jail: the launch does not join it (the jail's bus has another id)" \
    test "$JAIL_ID2" != unreachable -a "$JAIL_ID2" != "$SQUAT_ID"
check "and the bus outside was stopped" wait_for 3 sh -c "! kill -0 $SQUATTER 2>/dev/null || grep -q '^State:.*Z' /proc/$SQUATTER/status"
check_eq "one bus for the jail, in its namespace" 1 "$(jail_buses | wc -l)"

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
check_eq "per-jail: /run/user/UID shows only what a desktop program needs, and the jail's bus" \
    ".netns-exec-bus.lock bus dbus-1 dconf pipewire-0 wayland-0" \
    "$(u "$NX" $NS sh -c "ls -A '$RUNDIR' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ \$//'")"
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
dirs=0 links=0 decoys=0 failed=0 others=0
for i in $(seq 1 60); do
    seen=$(u "$NX" $NS sh -c "if [ -L '$RUNDIR/dconf' ]; then echo link; elif [ -e '$RUNDIR/dconf/decoy' ]; then echo decoy; elif [ -e '$RUNDIR/dconf/real' ]; then echo dir; else echo other; fi" 2>/dev/null) || failed=$((failed + 1))
    case $seen in dir) dirs=$((dirs + 1)) ;; link) links=$((links + 1)) ;; decoy) decoys=$((decoys + 1)) ;; *) others=$((others + 1)) ;; esac
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
echo "       60 racing launches: $dirs saw the directory, $others the link left out, $links a link, $decoys the decoy bound, $failed failed; binds by name: $byname of 60 bound the decoy"
check_eq "60 racing launches: the decoy is never bound into the jail" 0 "$decoys"
check_eq "and every launch ran" 0 "$failed"
check "the race was run: some launches caught the link (left out of the jail's runtime directory)" test "$others" -gt 0
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
# (It writes where both the jail and the test see the same place: the
# jail's home is not the real one.)
OPENED=$SCRATCH/opened
install -d -m 0777 "$OPENED"
printf '#!/bin/sh\nreadlink /proc/self/ns/net >"%s/opened-$1"\n' "$OPENED" >"$SHARE/nxst-handler"
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
wait_for 5 test -s "$OPENED/opened-nxst:outside"
check_eq "control: xdg-open outside runs the handler outside" "$(readlink /proc/self/ns/net)" \
    "$(cat "$OPENED/opened-nxst:outside" 2>/dev/null)"
ux "$NX" $NS xdg-open nxst:xdg >/dev/null 2>&1
wait_for 5 test -s "$OPENED/opened-nxst:xdg"
check_eq "jail: xdg-open starts the link's handler inside the jail" "$JAIL_NET" "$(cat "$OPENED/opened-nxst:xdg" 2>/dev/null)"
ux "$NX" $NS gio open nxst:gio >/dev/null 2>&1
wait_for 5 test -s "$OPENED/opened-nxst:gio"
check_eq "jail: gio open, with the jail's bus, starts it inside too" "$JAIL_NET" \
    "$(cat "$OPENED/opened-nxst:gio" 2>/dev/null)"

# --- the caller's XDG overrides do not lead back to the shared profile ------
check_eq "jail: XDG_CONFIG_HOME and friends are not passed on" "" \
    "$(u env XDG_CONFIG_HOME="$HOMEDIR/.config" XDG_DATA_HOME=/x XDG_CACHE_HOME=/y XDG_STATE_HOME=/z "$NX" $NS env | grep '^XDG_[A-Z]*_HOME=')"

# --- links cannot aim the launcher's binds elsewhere ------------------------
u sh -c "mv '$STORE/home' '$STORE/home.real' && ln -s /etc '$STORE/home'"
err=$(u "$NX" $NS true 2>&1); rc=$?
check_eq "the jail's home as a link to /etc: refused with 125" 125 $rc
check_contains "and says why" "netns-exec: '$HOMEDIR/.netns-exec/" "$err"
check_contains "that it is a link" "is not a directory (a link?)" "$err"
u sh -c "rm '$STORE/home' && mv '$STORE/home.real' '$STORE/home'"
u sh -c "rmdir '$STORE/home/Downloads' && ln -s /etc '$STORE/home/Downloads'"
err=$(u "$NX" $NS true 2>&1); rc=$?
check_eq "the place a shared folder goes in the jail's home, as a link to /etc: refused with 125" 125 $rc
check_contains "and says why" "is not a directory (a link?)" "$err"
u sh -c "rm '$STORE/home/Downloads'"
u sh -c "mv '$RUNDIR/netns-exec' '$RUNDIR/netns-exec.real' && ln -s /etc '$RUNDIR/netns-exec'"
err=$(u "$NX" $NS true 2>&1); rc=$?
check_eq "the jail's runtime directory's parent as a link to /etc: refused with 125" 125 $rc
check_contains "and says why" "netns-exec: '$RUNDIR/netns-exec' is not a directory (a link?)" "$err"
u sh -c "rm '$RUNDIR/netns-exec' && mv '$RUNDIR/netns-exec.real' '$RUNDIR/netns-exec'"
check_eq "after the fix the launch works again" ok "$(u "$NX" $NS echo ok)"

suite_end

#!/bin/bash
# Programs that sandbox themselves keep their sandbox in a jail (issue 23,
# SECURITY.md "Programs that sandbox themselves"). Debian's Chromium, Falkon
# and qutebrowser (both QtWebEngine) and Firefox ESR run under Xvfb in the
# session of Tests/lib/desktop.sh, each loading a page of the oracle, three
# times: outside the jail (the user's machine), in a jail with the default
# policy line, and in one whose line says userns=deny (the control: the
# jail as it was before, refusing user namespaces).
#
# What "sandboxed" means here is read from /proc, not from the programs'
# word: a process the program started that runs in a user namespace of its
# own (not the machine's), which is what the namespace sandbox of Chromium
# and QtWebEngine, and Firefox's content processes, are made of; the counts
# of processes in a user and in a PID namespace of their own are printed
# for each program and place (`measured:` lines, "U/P of M").
#
#   outside:            each program has sandboxed processes (the baseline)
#   jail, default:      the same, and the page came through the VPN
#   jail, userns=deny:  Chromium refuses with its own line ("No usable
#                       sandbox!"); the others run with no process of their
#                       own in a user namespace: that is the control that
#                       shows the default is what keeps the sandbox
#   bwrap (Flatpak's sandbox): by default it makes its user namespace but
#                       its mounts are refused, with its own one line
#
# Every process is killed by PID; nothing leaves the test's namespaces.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/desktop.sh"
topo_suite_begin "Desktop/40 self-sandboxing programs" nxds "$0" "$@"
require_cmd Xvfb dbus-daemon chromium falkon qutebrowser firefox-esr bwrap pgrep

JAIL=nxds_jail IFC=nxds0 USR=nxds_user
REAL=$TOPO_HOST_ADDR VPN=$TOPO_VPN_PUBLIC
desk_jail_session "$JAIL" "$IFC" "$USR"
launcher=$LAUNCHER
# The machine's namespaces, as this suite (root, in them) has them. (PID 1
# may not be readable: a VM's init can be kept from ptrace-read access.)
INIT_USERNS=$(readlink /proc/self/ns/user)
INIT_PIDNS=$(readlink /proc/self/ns/pid)
[ -n "$INIT_USERNS" ] && [ -n "$INIT_PIDNS" ] || { fail "reading this suite's own namespaces"; topo_suite_end; }
PROGRAMS="chromium falkon qutebrowser firefox"

# launch_cmd PROGRAM TAG: cmd gets PROGRAM's launch with a page tagged TAG.
# Each starts a new instance of its own, with a fresh profile where the
# program has a switch for it, so the three runs do not meet.
launch_cmd() {
    local page
    page=$(desk_page "$2")
    case $1 in
        chromium) cmd=(chromium --no-first-run --disable-gpu "$page") ;;
        falkon) cmd=(falkon --no-extensions --private-browsing --no-remote "$page") ;;
        # Its IPC socket is made in the temporary basedir, and a path under
        # the suite's scratch home is longer than a socket name may be.
        qutebrowser) cmd=(env TMPDIR=/tmp qutebrowser --temp-basedir "$page") ;;
        firefox) cmd=(firefox-esr --new-instance "$page") ;;
    esac
}

# descendants PID: PID and every process below it, from the parent links of
# the machine's /proc (a process in a PID namespace of its own keeps its
# parent there).
descendants() {
    local want=" $1 " pid ppid changed=1 round
    for ((round = 0; round < 8 && changed; round++)); do
        changed=
        while read -r pid ppid; do
            case $want in *" $pid "*) continue ;; esac
            case $want in *" $ppid "*) want="$want$pid "; changed=1 ;; esac
        done < <(ps -e -o pid=,ppid=)
    done
    echo $want
}

# sandbox_state PID: "U/P of M": of the program's M processes, U run in a
# user namespace and P in a PID namespace that are not the machine's.
sandbox_state() {
    local pid u=0 p=0 m=0 user pidns
    for pid in $(descendants "$1"); do
        [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" = "$DESK_UID" ] || continue
        user=$(readlink "/proc/$pid/ns/user" 2>/dev/null) && pidns=$(readlink "/proc/$pid/ns/pid" 2>/dev/null) || continue
        m=$((m + 1))
        [ "$user" != "$INIT_USERNS" ] && u=$((u + 1))
        [ "$pidns" != "$INIT_PIDNS" ] && p=$((p + 1))
    done
    echo "$u/$p of $m"
}

# run_all WHERE: each program started WHERE (outside, or jailed), at once,
# with a page tagged PROGRAM-WHERE; sets pid_PROGRAM.
run_all() {
    local p
    for p in $PROGRAMS; do
        launch_cmd "$p" "$p-$1"
        if [ "$1" = outside ]; then
            desk_run_bg "pid_$p" "$L/$p-$1.log" "${cmd[@]}"
        else
            desk_run_bg "pid_$p" "$L/$p-$1.log" "$launcher" "$JAIL" "${cmd[@]}"
        fi
    done
}

# state_after WHERE PROGRAM ADDR: once ADDR has fetched the page (bounded),
# the program's sandbox state, printed as a `measured:` line.
state_after() {
    local pid state
    eval "pid=\$pid_$2"
    desk_wait_seen 90 "$2-$1" "$3" || {
        grep -v '^ *$' "$L/$2-$1.log" | tail -n 25 | sed "s/^/       $2: /" >&2
        echo "no page"; return; }
    # Renderers and content processes start with the page; give the last
    # ones a moment.
    sleep 2
    state=$(sandbox_state "$pid")
    echo "  measured: $2 $1: $state processes in a user/PID namespace of their own" >&2
    echo "$state"
}

stop_all() {
    local p pid
    for p in $PROGRAMS; do eval "pid=\$pid_$p"; desk_stop $(descendants "$pid"); done
    desk_stop_in "$JAIL"
}

# sandboxed STATE: some process of the program has a user namespace of its
# own (Firefox's content processes have no PID namespace of their own).
sandboxed() { case $1 in "no page"|"0/"*) return 1 ;; esac; return 0; }

# --- outside the jail: the baseline ------------------------------------------------
run_all outside
for p in $PROGRAMS; do
    s=$(state_after outside "$p" "$REAL")
    check "outside: $p runs sandboxed ($s)" sandboxed "$s"
done
stop_all

# --- in a jail with the default policy line -------------------------------------------
write_test_policy "$JAIL $USR require=$IFC"
run_all jail
for p in $PROGRAMS; do
    s=$(state_after jail "$p" "$VPN")
    check "jail: $p loads its page through the VPN and runs sandboxed ($s)" sandboxed "$s"
    check_eq "jail: the real address never asked for $p's page" "" "$(desk_seen "$p-jail" | grep -xF "$REAL")"
done
check_not_contains "jail: Chromium found its sandbox" "No usable sandbox" "$(cat "$L/chromium-jail.log")"
stop_all

# A link opened in a fresh jail (no mimeapps.list of its own) goes to the
# system's default browser, here Chromium (/etc/xdg/mimeapps.list, in the
# suite's throw-away /etc): it starts in the jail and loads the page
# through the VPN. Under userns=deny (below) the same link is lost.
printf '[Default Applications]\nx-scheme-handler/http=chromium.desktop\ntext/html=chromium.desktop\n' >/etc/xdg/mimeapps.list
check "the jail has no link handler of its own" test ! -e "$STORE/config/mimeapps.list"
desk_run_bg XJ "$L/xdg-jail.log" "$launcher" "$JAIL" xdg-open "$(desk_page xdg-jail)"
check "jail: xdg-open URL starts the system's browser (Chromium) in the jail: the page comes through the VPN" \
    desk_wait_seen 60 xdg-jail "$VPN"
check_eq "jail: never from the real address" "" "$(desk_seen xdg-jail | grep -xF "$REAL")"
desk_stop_in "$JAIL"

# --- control: userns=deny, the jail as it was --------------------------------------------
write_test_policy "$JAIL $USR require=$IFC userns=deny"
PROGRAMS_DENY="falkon qutebrowser firefox"
launch_cmd chromium chromium-deny
err=$(desk_run timeout 60 "$launcher" "$JAIL" "${cmd[@]}" 2>&1); rc=$?
check "control (userns=deny): Chromium refuses to start (exit $rc)" test "$rc" -ne 0
check_contains "and says why, in its own line" "No usable sandbox" "$err"
check_eq "and fetched nothing" "" "$(desk_seen chromium-deny)"
desk_run timeout 30 "$launcher" "$JAIL" xdg-open "$(desk_page xdg-deny)" >"$L/xdg-deny.log" 2>&1
sleep 3
check_eq "control (userns=deny): the same xdg-open's link is lost (Chromium cannot start)" "" "$(desk_seen xdg-deny)"
PROGRAMS=$PROGRAMS_DENY
run_all deny
for p in $PROGRAMS; do
    s=$(state_after deny "$p" "$VPN")
    case $s in
        "no page") fail "control (userns=deny): $p loads its page" ;;
        "0/"*) pass "control (userns=deny): $p runs, but no process of it has a user namespace ($s)" ;;
        *) fail "control (userns=deny): $p runs, but no process of it has a user namespace ($s)" ;;
    esac
done
stop_all

# --- bwrap, Flatpak's sandbox -------------------------------------------------------------
# By default bwrap makes its user namespace, then its first mount is refused
# by the jail's filter (mounts would change the jail's view): it stops with
# one line of its own, never running the program unconfined. Under
# userns=deny it stops at the namespace.
write_test_policy "$JAIL $USR require=$IFC"
out=$(desk_run timeout 20 "$launcher" "$JAIL" bwrap --ro-bind / / --unshare-user --unshare-pid echo ran 2>&1); rc=$?
check "jail: bwrap refuses (exit $rc), the program never runs" test "$rc" -ne 0 -a "$out" = "${out/ran/}"
check_eq "with one line of its own" 1 "$(printf '%s\n' "$out" | grep -c '^bwrap:')"
echo "  measured: bwrap jail: $out" >&2
check_eq "control: outside the jail the same bwrap runs the program" ran \
    "$(desk_run timeout 20 bwrap --ro-bind / / --unshare-user --unshare-pid echo ran 2>&1)"

topo_suite_end

#!/bin/bash
# The jail's view is the jail's wherever the program looks (issue 21):
#  A. every other mount of the host's /run, /proc and /sys gets the jail's
#     view (HostMounts.swift): here /run is bound at /var/run, as systems
#     without the /var/run link do, and glibc's nscd client connects to
#     /var/run/nscd/socket; /run bound at one more place, /run/nscd's own
#     filesystem bound elsewhere, a second proc and a second sysfs;
#  B. the program starts in the caller's directory as the jail sees it
#     (WorkingDirectory.swift), so relative names do not reach what the
#     view hides.
# Controls: the C twin of the launcher (bench/ref-launcher.c), built with
# the step left out (-DSKIP_HOST_MOUNTS, -DSKIP_CWD), shows each leak.
# The suite runs in a private mount namespace of its own, with a writable
# layer over /etc and a /run/nscd of its own (topo_sandbox); there nscd runs
# in an empty network namespace and answers from the sandbox's /etc/hosts.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=../lib/topology.sh
. "$(dirname "$0")/../lib/topology.sh"
if [ "$(id -u)" -ne 0 ]; then suite_begin integration-mount-view; require_root; fi
topo_reexec_private "$0" "$@"
suite_begin integration-mount-view
require_cmd setcap ip setpriv unshare socat nscd getent gcc nsenter
topo_sandbox "$TOPO_SANDBOX_DIR" || { fail "could not sandbox /etc"; suite_end; }

NS=nxmv_ns HOSTNS=nxmv_host USR=nxmv_user NAME=nxmv-host.test ADDR=198.51.100.77

# /var/run as a bind of /run, as on systems without the link: a tmpfs over
# /var (this namespace only) holds a real /var/run, and the real /var/tmp
# is bound back (the launcher and the scratch directories live there).
exec 9</var/tmp
mount -t tmpfs -o mode=0755,size=4m nxmv-var /var || { fail "a private /var"; suite_end; }
install -d -m 1777 /var/tmp && install -d -m 0755 /var/run
mount --no-canonicalize --bind /proc/self/fd/9 /var/tmp || { fail "the real /var/tmp back"; suite_end; }
exec 9<&-
mount --rbind /run /var/run || { fail "/run bound at /var/run"; suite_end; }

make_scratch_dir SCRATCH
NX=$(install_launcher "$SCRATCH") || { fail "install the test build"; suite_end; }
# The C twin, with the policy path of the test build, whole and without
# each step this suite is about.
FILTER_DIR=$REPO_ROOT/.build/release/launcher-build
[ -f "$FILTER_DIR/jail-filter.h" ] || { fail "$FILTER_DIR/jail-filter.h missing (make build)"; suite_end; }
for v in "" SKIP_HOST_MOUNTS SKIP_CWD; do
    out=$SCRATCH/bin/ref${v:+-$v}
    gcc -O2 -DPOLICY_DIR='"/run/netns-exec-test"' ${v:+-D$v} -I "$FILTER_DIR" -I "$REPO_ROOT/Sources/Shared/NetnsLimits" \
        -o "$out" "$REPO_ROOT/bench/ref-launcher.c" && setcap "$LAUNCHER_CAPS" "$out" ||
        { fail "build the C twin ${v:-whole}"; suite_end; }
done
make_test_user $USR
HOMEDIR=$SCRATCH/home/$USR
install -d -m 0755 "$SCRATCH/home"
install -d -m 0755 -o $USR -g "$(id -g $USR)" "$HOMEDIR"
usermod -d "$HOMEDIR" $USR
UID_=$(id -u $USR)
RUNDIR=/run/user/$UID_
install -d -m 0700 -o $USR "$RUNDIR" && on_exit "rm -rf '$RUNDIR'"
make_netns $NS
make_netns $HOSTNS
install -d -m 0755 /etc/netns/$NS
printf 'nameserver 198.51.100.53\n' >/etc/netns/$NS/resolv.conf
printf '127.0.0.1 localhost\n' >/etc/netns/$NS/hosts
chmod 0644 /etc/netns/$NS/*
write_test_policy "$NS $USR"
u() { as_user $USR env HOME="$HOMEDIR" XDG_RUNTIME_DIR="$RUNDIR" "$@"; }

# The host's nscd, answering NAME from the host's /etc/hosts only.
printf '%s %s\n' "$ADDR" "$NAME" >>/etc/hosts
cat >"$SCRATCH/nscd.conf" <<EOF
	enable-cache	hosts	yes
	persistent	hosts	no
	shared	hosts	no
	enable-cache	passwd	no
	enable-cache	group	no
	enable-cache	services	no
	enable-cache	netgroup	no
EOF
nsenter --net=/run/netns/$HOSTNS -- nscd -F -f "$SCRATCH/nscd.conf" >"$SCRATCH/nscd.log" 2>&1 &
NSCD=$!
on_exit "kill_pid $NSCD"
wait_for 5 test -S /run/nscd/socket || { fail "nscd did not start"; suite_end; }

# One more place for each: /run bound (recursively) at run2, nscd's own /run/nscd bound
# at nscd2, a proc at proc2 and a sysfs at sys2.
install -d -m 0755 "$SCRATCH/run2" "$SCRATCH/nscd2" "$SCRATCH/proc2" "$SCRATCH/sys2"
mount --rbind /run "$SCRATCH/run2" && mount --bind /run/nscd "$SCRATCH/nscd2" &&
    mount -t proc proc "$SCRATCH/proc2" && mount -t sysfs sysfs "$SCRATCH/sys2" ||
    { fail "the other mounts"; suite_end; }
IFACE=$(ls /sys/class/net | grep -vx lo | head -n 1)

# --- A. the host's /run, /proc and /sys wherever they are mounted ---------
check_eq "outside: /var/run is a directory (a bind of /run), not a link" directory "$(stat -c %F /var/run)"
check_eq "outside: the host's nscd listens at /var/run/nscd/socket" socket "$(test -S /var/run/nscd/socket && echo socket)"
lookup='getent hosts '$NAME' | cut -d" " -f1; true'
check_eq "control (the launch without HostMounts): the jailed lookup is answered by the host's nscd" "$ADDR" \
    "$(u "$SCRATCH/bin/ref-SKIP_HOST_MOUNTS" $NS sh -c "$lookup")"
check_eq "jail: the same lookup is not" "" "$(u "$NX" $NS sh -c "$lookup")"
check_eq "the C twin agrees" "" "$(u "$SCRATCH/bin/ref" $NS sh -c "$lookup")"
check_eq "control: /var/run/nscd/socket is there without HostMounts" socket \
    "$(u "$SCRATCH/bin/ref-SKIP_HOST_MOUNTS" $NS sh -c 'test -S /var/run/nscd/socket && echo socket')"
check_eq "jail: /var/run is the jail's /run (no nscd)" "absent" \
    "$(u "$NX" $NS sh -c 'test -e /var/run/nscd && echo present || echo absent')"
check_eq "jail: /var/run and /run list the same" "$(u "$NX" $NS ls -A /run)" "$(u "$NX" $NS ls -A /var/run)"
check_eq "jail: /run bound at one more place is the jail's /run too" absent \
    "$(u "$NX" $NS sh -c "test -e '$SCRATCH/run2/nscd' && echo present || echo absent")"
check_eq "control: there, without HostMounts, the host's nscd" socket \
    "$(u "$SCRATCH/bin/ref-SKIP_HOST_MOUNTS" $NS sh -c "test -S '$SCRATCH/run2/nscd/socket' && echo socket")"
check_eq "jail: nscd's own filesystem bound elsewhere is empty" "" "$(u "$NX" $NS ls -A "$SCRATCH/nscd2")"
check_eq "control: without HostMounts it holds the socket" socket \
    "$(u "$SCRATCH/bin/ref-SKIP_HOST_MOUNTS" $NS sh -c "test -S '$SCRATCH/nscd2/socket' && echo socket")"
check_eq "jail: the second sysfs lists the jail's interfaces" lo "$(u "$NX" $NS ls "$SCRATCH/sys2/class/net")"
check_contains "control: without HostMounts it lists the host's" "$IFACE" \
    "$(u "$SCRATCH/bin/ref-SKIP_HOST_MOUNTS" $NS ls "$SCRATCH/sys2/class/net")"
check_eq "jail: the second proc has no host process 1" absent \
    "$(u "$NX" $NS sh -c "test -e '$SCRATCH/proc2/1' && echo present || echo absent")"
check_eq "control: without HostMounts it has" present \
    "$(u "$SCRATCH/bin/ref-SKIP_HOST_MOUNTS" $NS sh -c "test -e '$SCRATCH/proc2/1' && echo present || echo absent")"
check "jail: /var/run is read-only, like /run" u "$NX" $NS sh -c '! touch /var/run/nxmv 2>/dev/null'
check_eq "the host's mounts are unchanged (no mount leaked out)" socket \
    "$(test -S /var/run/nscd/socket && test -S "$SCRATCH/nscd2/socket" && echo socket)"

# --- B. the working directory, as the jail sees it --------------------------
# Each: the same relative names from the same directory, through netns-exec
# and through the C twin without the working-directory step (the old launch,
# which kept the host's directory).
from() { local dir=$1; shift; (cd "$dir" && u "$@"); }
route='tail -n +2 1/net/route 2>/dev/null | wc -l'
check "control: from /proc, 1/net/route is the host's routing table" \
    test "$(from /proc "$SCRATCH/bin/ref-SKIP_CWD" $NS sh -c "$route")" -gt 0
check_eq "jail: from /proc, 1/net/route is not there" 0 "$(from /proc "$NX" $NS sh -c "$route")"
check_eq "jail: from /proc, net/dev is the jail's (lo only)" lo \
    "$(from /proc "$NX" $NS sh -c 'tail -n +3 net/dev | cut -d: -f1 | tr -d " "')"
check_eq "control: from /sys/class/net, $IFACE/address is the host's MAC" "$(cat /sys/class/net/$IFACE/address)" \
    "$(from /sys/class/net "$SCRATCH/bin/ref-SKIP_CWD" $NS cat "$IFACE/address" 2>/dev/null)"
check_eq "jail: from /sys/class/net, only the jail's interfaces" lo "$(from /sys/class/net "$NX" $NS ls)"
check_eq "control: from /etc, resolv.conf is the host's" "$(cat /etc/resolv.conf)" \
    "$(from /etc "$SCRATCH/bin/ref-SKIP_CWD" $NS cat resolv.conf)"
check_eq "jail: from /etc, resolv.conf is the jail's" "$(cat /etc/netns/$NS/resolv.conf)" "$(from /etc "$NX" $NS cat resolv.conf)"
check_eq "control: from /run/nscd, the host's nscd socket" socket \
    "$(from /run/nscd "$SCRATCH/bin/ref-SKIP_CWD" $NS sh -c 'test -S socket && echo socket' 2>/dev/null)"
err=$(from /run/nscd "$NX" $NS sh -c 'pwd; test -e socket && echo socket' 2>"$SCRATCH/err")
check_eq "jail: from /run/nscd (not in the jail's view), the program starts in the home" "$HOMEDIR" "$err"
check_eq "and one line says so" \
    "netns-exec: '/run/nscd' is not there (No such file or directory) in jail $NS's view; starting in '$HOMEDIR'" \
    "$(cat "$SCRATCH/err")"
bg_as_user BUS $USR timeout 60 socat UNIX-LISTEN:"$RUNDIR/bus",fork /dev/null
wait_for 5 test -S "$RUNDIR/bus" || fail "the stand-in session bus"
check_eq "control: from /run/user/UID, the session bus" socket \
    "$(from "$RUNDIR" "$SCRATCH/bin/ref-SKIP_CWD" $NS sh -c 'test -S bus && echo socket' 2>/dev/null)"
# (Per-jail state puts the jail's own runtime directory at /run/user/UID,
# with the jail's own bus: a file of the real one is the mark.)
u sh -c ": >'$RUNDIR/nxmv-real'"
check_eq "jail: from /run/user/UID, the jail's own runtime directory, not the user's (per-jail state)" "$RUNDIR:none" \
    "$(from "$RUNDIR" "$NX" $NS sh -c 'echo "$(pwd):$(test -e nxmv-real && echo real || echo none)"')"
u mkdir -p "$HOMEDIR/.config/qBittorrent"
bg_as_user QBT $USR timeout 60 socat UNIX-LISTEN:"$HOMEDIR/.config/qBittorrent/ipc-socket",fork /dev/null
wait_for 5 test -S "$HOMEDIR/.config/qBittorrent/ipc-socket" || fail "the stand-in qBittorrent"
check_eq "control: from ~/.config, the running qBittorrent's ipc-socket" socket \
    "$(from "$HOMEDIR/.config" "$SCRATCH/bin/ref-SKIP_CWD" $NS sh -c 'test -S qBittorrent/ipc-socket && echo socket' 2>/dev/null)"
u "$NX" $NS sh -c 'mkdir -p "$HOME/.config"'   # the jail's home has its own ~/.config once a program makes it
check_eq "jail: from ~/.config, the jail's own (no socket)" "$HOMEDIR/.config:none" \
    "$(from "$HOMEDIR/.config" "$NX" $NS sh -c 'echo "$(pwd):$(test -e qBittorrent/ipc-socket && echo socket || echo none)"')"
install -d -m 0700 "$SCRATCH/rootonly"
check_eq "jail: a directory the caller may not enter is not entered (the home instead)" "$HOMEDIR" \
    "$(from "$SCRATCH/rootonly" "$NX" $NS pwd 2>/dev/null)"
check_eq "from a directory in both views, the program starts there" "$SCRATCH" "$(from "$SCRATCH" "$NX" $NS pwd 2>&1)"
check_eq "the C twin agrees" "$HOMEDIR" "$(from /run/nscd "$SCRATCH/bin/ref" $NS pwd 2>/dev/null)"

suite_end

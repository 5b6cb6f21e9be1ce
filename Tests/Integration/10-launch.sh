#!/bin/bash
# The launcher against the real kernel: a real network namespace, the test
# build installed with its real file capability, real unprivileged users.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-launch
require_root
require_cmd setcap ip setpriv useradd socat

NS=nxit_ns
REQ_NS=nxit_req
ALICE=nxit_alice     # listed by name
BOB=nxit_bob         # not listed
CAROL=nxit_carol     # listed only through a supplementary group
GROUP=nxit_grp

make_scratch_dir SCRATCH
NX=$(install_launcher "$SCRATCH") || { fail "install the test build"; suite_end; }
make_test_user $ALICE && make_test_user $BOB && make_test_user $CAROL
make_test_group $GROUP && usermod -a -G $GROUP $CAROL
make_netns $NS
make_netns $REQ_NS
make_netns nxit_alias_ns
# A second name for alice's uid: users are matched by uid, like doas does.
userdel -f nxit_alias >/dev/null 2>&1 || true
useradd -M -N -o -u "$(id -u $ALICE)" -g nogroup -s /bin/sh -d /nonexistent nxit_alias && on_exit "userdel -f nxit_alias"
mkdir -p /etc/netns/$NS && on_exit "rm -rf /etc/netns/$NS"
printf 'nameserver 198.51.100.53\nsearch jail.test\n' >/etc/netns/$NS/resolv.conf
chmod 0644 /etc/netns/$NS/resolv.conf
# The other two namespaces have no /etc/netns/NAME: their lines say they
# are meant to use the host's resolvers (resolver=host).
write_test_policy "# integration test policy
$NS $ALICE @$GROUP
$REQ_NS $ALICE require=nxit_tun resolver=host
nxit_alias_ns nxit_alias resolver=host"

# --- landing in the namespace ---------------------------------------------
out=$(as_user $ALICE "$NX" $NS sh -c 'ls /sys/class/net; echo ---; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "')
check_eq "allowed user sees only the namespace's interfaces (sysfs and procfs)" "lo
---
lo" "$out"
check_eq "same namespace inode as the jail" "$(stat -L -c %i /run/netns/$NS)" \
    "$(as_user $ALICE "$NX" $NS stat -L -c %i /proc/self/ns/net)"
install -d -m 0700 -o $ALICE "$SCRATCH/alice-umask"
# The caller's umask must not decide the mode of what the launcher makes
# (the jail's /etc copies were created 0000 and the host's /etc showed
# through), and the command must still get the caller's umask.
check_eq "/etc/resolv.conf is the jail's under the caller's umask 0777" "$(cat /etc/netns/$NS/resolv.conf)" \
    "$(as_user $ALICE sh -c "umask 0777; exec '$NX' $NS cat /etc/resolv.conf")"
check_eq "the command runs with the caller's umask" 0027 \
    "$(as_user $ALICE sh -c "umask 0027; exec '$NX' $NS sh -c umask")"
check_eq "control: umask 0777 makes new files 0000 outside" 0 \
    "$(as_user $ALICE sh -c "umask 0777; rm -f '$SCRATCH/alice-umask/f'; : >'$SCRATCH/alice-umask/f'; stat -c %a '$SCRATCH/alice-umask/f'")"
check_eq "/etc/resolv.conf is the jail's" "$(cat /etc/netns/$NS/resolv.conf)" \
    "$(as_user $ALICE "$NX" $NS cat /etc/resolv.conf)"
check_eq "the rest of /etc is the host's" "$(cat /etc/hostname)" "$(as_user $ALICE "$NX" $NS cat /etc/hostname)"
# nsswitch.conf is the launcher's own, with or without the jail's files: only
# local files, and the jail's DNS for host names (SECURITY.md, "Name
# lookups"). nss_sources prints every source a database line names.
nss_sources() { awk '!/^#/ && NF { for (i = 2; i <= NF; i++) print $1, $i }' "$@"; }
for ns in $NS nxit_alias_ns; do
    who=$ALICE; [ $ns = nxit_alias_ns ] && who=nxit_alias
    jail_nss=$(as_user $who "$NX" $ns cat /etc/nsswitch.conf)
    check_eq "$ns: every database of the jail's nsswitch.conf is files, and hosts adds dns" \
        "hosts: dns" "$(nss_sources <<<"$jail_nss" | grep -v ' files$')"
    check_contains "$ns: it names hosts, passwd and group" "passwd:     files
group:      files" "$jail_nss"
    check_contains "$ns: and the jail's nsswitch.conf says who wrote it" "# Written by netns-exec for this jail" "$jail_nss"
done
check_not_contains "control: the host's nsswitch.conf is another file" "# Written by netns-exec for this jail" \
    "$(cat /etc/nsswitch.conf)"
check_eq "resolver=host without /etc/netns/NAME: the host's resolv.conf" "$(cat /etc/resolv.conf)" \
    "$(as_user nxit_alias "$NX" nxit_alias_ns cat /etc/resolv.conf)"
check_eq "membership through a supplementary group only" "lo" "$(as_user $CAROL "$NX" $NS ls /sys/class/net)"
check_eq "the host's mount table is untouched" "" "$(grep -E ' /etc | /sys .*sysfs.*ro,' /proc/self/mountinfo | grep overlay)"

check_eq "a user listed under another name for the same uid is let in" "lo" \
    "$(as_user $ALICE "$NX" nxit_alias_ns ls /sys/class/net)"

# --- refusal of an unlisted user --------------------------------------------
install -d -m 0700 -o $BOB "$SCRATCH/bob"   # writable by bob, so "did not run" can fail
marker=$SCRATCH/bob/marker
as_user $BOB touch "$SCRATCH/bob/probe"; check "bob can write the marker directory" test -e "$SCRATCH/bob/probe"
check_refusal netns-exec 125 "unlisted user" "netns-exec: $BOB may not enter $NS: ask an administrator to add you to $TEST_POLICY" \
    as_user $BOB "$NX" $NS sh -c "touch $marker"
check "the command did not run" test ! -e "$marker"

# --- privileges inside --------------------------------------------------------
status=$(as_user $ALICE "$NX" $NS cat /proc/self/status)
for f in CapInh CapPrm CapEff CapAmb; do
    check_eq "$f is empty" "0000000000000000" "$(awk -v f="$f:" '$1==f{print $2}' <<<"$status")"
done
check_eq "NoNewPrivs is 1" 1 "$(awk '$1=="NoNewPrivs:"{print $2}' <<<"$status")"
check_eq "Seccomp is 2 (filter)" 2 "$(awk '$1=="Seccomp:"{print $2}' <<<"$status")"

install -m 4755 -o root -g root "$(command -v id)" "$SCRATCH/suid-id"
check_eq "a setuid-root binary inside does not gain root" "$(id -u $ALICE)" \
    "$(as_user $ALICE "$NX" $NS "$SCRATCH/suid-id" -u)"
install -m 0755 -o root -g root "$(command -v cat)" "$SCRATCH/fcap-cat"
setcap cap_dac_read_search+ep "$SCRATCH/fcap-cat"
check_eq "a file-capability binary inside gains nothing" "0000000000000000" \
    "$(as_user $ALICE "$NX" $NS "$SCRATCH/fcap-cat" /proc/self/status | awk '$1=="CapEff:"{print $2}')"

# --- argv, exit status, descriptors, environment -----------------------------
args=(--help "" "a b" $'x\ny' "ü€" "-" "%U" "--" "$(printf 'tab\there')")
want=$(printf '%s\0' "${args[@]}" | od -An -c)
got=$(as_user $ALICE "$NX" $NS sh -c 'printf "%s\0" "$@"' sh "${args[@]}" | od -An -c)
check_eq "argv arrives byte for byte (options, empty, spaces, newline, UTF-8)" "$want" "$got"

as_user $ALICE "$NX" $NS sh -c 'exit 42'; check_eq "the command's exit status passes through" 42 $?
as_user $ALICE "$NX" $NS /nonexistent/cmd 2>/dev/null; check_eq "127 when the command is not found" 127 $?
as_user $ALICE env PATH=/usr/bin:/bin "$NX" $NS nxit-no-such-command 2>/dev/null; check_eq "127 when not found on PATH" 127 $?
printf '#!/bin/sh\necho hi\n' >"$SCRATCH/noexec"; chmod 0644 "$SCRATCH/noexec"
err=$(as_user $ALICE "$NX" $NS "$SCRATCH/noexec" 2>&1); rc=$?
check_eq "126 when the command cannot be executed" 126 $rc
check_contains "and it says why" "netns-exec: '$SCRATCH/noexec': cannot execute: Permission denied" "$err"

# The shell lists its own descriptors (the glob's directory fd shows up the
# same way in both runs); no pipeline, so no transient pipe fds race in.
list_fds='for f in /proc/$$/fd/*; do printf "%s " "${f##*/}"; done'
fds_outside=$(as_user $ALICE sh -c "$list_fds" 7</dev/null)
fds_inside=$(as_user $ALICE "$NX" $NS sh -c "$list_fds" 7</dev/null)
check_eq "only the caller's descriptors reach the command" "$fds_outside" "$fds_inside"

env_out=$(as_user $ALICE env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH=/nx TMPDIR=/nx/tmp NETNS_EXEC=forged A='b c' \
    "$NX" $NS env | sort)
check_eq "environment arrives unchanged except NETNS_EXEC and the session bus (glibc's secure-mode scrub undone)" \
    "A=b c
DBUS_SESSION_BUS_ADDRESS=disabled:
LD_LIBRARY_PATH=/nx
NETNS_EXEC=$NS
PATH=/usr/bin:/bin
TMPDIR=/nx/tmp" "$env_out"

# --- require= -----------------------------------------------------------------
err=$(as_user $ALICE "$NX" $REQ_NS true 2>&1); rc=$?
check_eq "require=: missing interface refused with 125" 125 $rc
check_contains "and the message says the tunnel is down" "netns-exec: the tunnel is down: interface nxit_tun in $REQ_NS is missing" "$err"
ip -n $REQ_NS link add nxit_tun type veth peer name nxit_tunp   # this kernel has no dummy module
err=$(as_user $ALICE "$NX" $REQ_NS true 2>&1); rc=$?
check_eq "require=: interface down refused with 125" 125 $rc
check_contains "and the message says so" "interface nxit_tun in $REQ_NS is down" "$err"
ip -n $REQ_NS link set nxit_tun up
as_user $ALICE "$NX" $REQ_NS true; check_eq "require=: interface up is let in" 0 $?

# --- --list, --help, --version ------------------------------------------------
check_eq "--list shows the allowed namespaces and that they exist" "$NS	exists
$REQ_NS	exists
nxit_alias_ns	exists" "$(as_user $ALICE "$NX" --list)"
check_eq "--list through a group" "$NS	exists" "$(as_user $CAROL "$NX" --list)"
err=$(as_user $BOB "$NX" --list 2>&1); rc=$?
check_eq "--list for a user with no namespace exits 0" 0 $rc
check_contains "and says so" "netns-exec: $BOB may not enter any namespace" "$err"
check_eq "--version matches VERSION" "netns-exec $(cat "$REPO_ROOT/VERSION")" "$(as_user $ALICE "$NX" --version)"
as_user $ALICE "$NX" --help | grep -q '^usage: netns-exec'; check_eq "--help prints usage and exits 0" 0 "${PIPESTATUS[0]}"

# --- moving files across directories (no EXDEV) ------------------------------
# The guard against the user's other processes must not break programs:
# a Landlock ruleset that handles a filesystem right without granting REFER
# makes every cross-directory rename fail with EXDEV (qBittorrent's IPC
# socket among them). ProcessIsolation picks a ruleset that keeps them.
install -d -m 0700 -o $ALICE "$SCRATCH/alice-moves" "$SCRATCH/alice-control"
got=$(as_user $ALICE "$NX" $NS python3 "$REPO_ROOT/Tests/lib/crossdir.py" "$SCRATCH/alice-moves" | tr '\n' ' ')
check_eq "jail: rename, link and an IPC socket move across directories" \
    "rename=ok link=ok socket-rename=ok socket-connect=ok " "$got"
if [ "$(landlock_abi)" -ge 1 ]; then
    got=$(as_user $ALICE python3 "$REPO_ROOT/Tests/lib/crossdir.py" --old-ruleset "$SCRATCH/alice-control" | tr '\n' ' ')
    check_contains "control: the ruleset netns-exec used before gives EXDEV" "rename=EXDEV link=EXDEV socket-rename=EXDEV" "$got"
else
    echo "  note no Landlock on this kernel: the EXDEV control cannot be shown here"
fi

# --- syslog: one authpriv line per launch and per refusal ---------------------
LOGSOCK=$SCRATCH/log.sock
socat -u UNIX-RECV:"$LOGSOCK",mode=666 OPEN:"$SCRATCH/syslog",creat,append &
SOCAT=$!; on_exit "kill_pid $SOCAT"
wait_for 5 test -S "$LOGSOCK"
# The launcher logs to /dev/log; give it ours in a private mount namespace
# so the host's logger (if any) is neither needed nor disturbed.
with_log() { unshare -m sh -c "mount --bind '$LOGSOCK' /dev/log 2>/dev/null || { touch /dev/log && mount --bind '$LOGSOCK' /dev/log; }; exec \"\$@\"" sh "$@"; }
if [ -e /dev/log ]; then
    with_log as_user $ALICE "$NX" $NS true
    with_log as_user $BOB "$NX" $NS true 2>/dev/null
    with_log as_user $ALICE "$NX" $NS nxit-no-such-command 2>/dev/null
else
    ln -s "$LOGSOCK" /dev/log && on_exit "rm -f /dev/log"
    as_user $ALICE "$NX" $NS true
    as_user $BOB "$NX" $NS true 2>/dev/null
    as_user $ALICE "$NX" $NS nxit-no-such-command 2>/dev/null
fi
wait_for 3 grep -q refused "$SCRATCH/syslog"
log=$(cat "$SCRATCH/syslog" 2>/dev/null)
check_contains "launch logged at authpriv.info (<86>)" "<86>" "$log"
check_contains "launch line names user, uid, namespace and command" "netns-exec[" "$log"
check_contains "launch line content" "$ALICE (uid $(id -u $ALICE)) entered $NS: 'true'" "$log"
check_contains "launch line names the guard this kernel gives" "entered $NS: 'true'; isolation: $(expected_isolation)" "$log"
check_contains "refusal logged at authpriv.notice (<85>)" "<85>" "$log"
check_contains "refusal line content" "$BOB (uid $(id -u $BOB)) refused for $NS" "$log"
wait_for 3 grep -q "nothing ran" "$SCRATCH/syslog"
log=$(cat "$SCRATCH/syslog" 2>/dev/null)
# (126 or 127 as env(1) would say: a PATH directory the user cannot
# search makes execvpe report EACCES rather than ENOENT.)
check "a command that cannot be executed is logged as not run" \
    grep -Eq "$ALICE \(uid $(id -u $ALICE)\) in $NS: 'nxit-no-such-command' (not found \(exit 127\)|cannot be executed \(exit 126\)); nothing ran" "$SCRATCH/syslog"


# --- the harness: test users' UIDs across runs -----------------------------
# Suites and the demo each give /etc a throw-away layer of their own
# (topology.sh), and a run sweeps its user's processes by UID. Two runs at
# once must therefore never give their users the same UID (the demo's
# jailed listener was once killed by a Desktop suite's sweep). Each "run"
# here is a private mount namespace with a fresh layer over /etc, the second
# made while the first's reservation stands.
uid_in_layer() { # HOW NAME: the UID NAME gets in a fresh layer (HOW: plain | testlib)
    local d
    d=$(mktemp -d "$SCRATCH/etc-layer.XXXXXX") || return 1
    unshare --mount --propagation private -- bash -c '
        mount -t tmpfs layer "$1" && mkdir "$1/u" "$1/w" &&
            mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc || exit 1
        if [ "$2" = plain ]; then useradd -M -N -g nogroup -s /bin/sh "$3" || exit 1
        else . "$4/Tests/lib/testlib.sh"; make_test_user "$3" || exit 1; fi
        id -u "$3"' _ "$d" "$1" "$2" "$REPO_ROOT"
}
a=$(uid_in_layer plain nxit_layer_a); b=$(uid_in_layer plain nxit_layer_b)
check "control: plain useradd in two layers over the same /etc gives both the same UID" \
    test -n "$a" -a "$a" = "$b"
a=$(uid_in_layer testlib nxit_layer_a); b=$(uid_in_layer testlib nxit_layer_b)
rm -f "$TEST_UID_DIR/$a" "$TEST_UID_DIR/$b"
check "make_test_user in two layers gives two different UIDs (reserved machine-wide)" \
    test -n "$a" -a -n "$b" -a "$a" != "$b"

suite_end

#!/bin/bash
# Bad input: hostile names, planted namespace files, unsafe or broken
# policies, a launcher without its capability. Each is refused with 125 and
# one line that starts with "netns-exec:", and the command never runs.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-refusals
require_root
require_cmd setcap ip setpriv useradd unshare

NS=nxrf_ns
USER_A=nxrf_alice
make_scratch_dir SCRATCH
NX=$(install_launcher "$SCRATCH") || { fail "install the test build"; suite_end; }
make_test_user $USER_A
make_netns $NS
install -d -m 0700 -o $USER_A "$SCRATCH/home"   # writable by the user, so "did not run" can fail
MARK=$SCRATCH/home/ran
POLICY_OK="$NS $USER_A
nxrf_link $USER_A
nxrf_mnt $USER_A
nxrf_uts $USER_A
nxrf_file $USER_A
nxrf_creating $USER_A
nxrf_missing $USER_A"
write_test_policy "$POLICY_OK"

# refused EXPECTED_SUBSTRING ARGS...: run netns-exec as the test user with
# ARGS, then "touch $MARK": a refusal (check_refusal: 125, one
# "netns-exec:" line containing the substring), and no marker.
refused() {
    local want=$1 what; shift
    what=$(printf '%q ' "$@")
    rm -f "$MARK"
    check_refusal netns-exec 125 "$what" "$want" as_user $USER_A "$NX" "$@" touch "$MARK"
    check "command did not run: $what" test ! -e "$MARK"
}

# --- hostile namespace names ----------------------------------------------
invalid="invalid namespace name"
refused "$invalid '../../proc/1/ns/net'" ../../proc/1/ns/net
refused "$invalid 'a/b'" a/b
refused "$invalid '.'" .
refused "$invalid '..'" ..
refused "$invalid ''" ""
refused "$invalid '$(printf 'x%.0s' $(seq 65) | cut -c1-64)..." "$(printf 'x%.0s' $(seq 65))"
refused "unknown option '-x'" -x
refused "$invalid '-x'" -- -x
refused "$invalid 'a\\x0ab'" $'a\nb'
refused "$invalid '\\x1b[2J'" $'\e[2J'

# --- planted namespace files ------------------------------------------------
ln -s /proc/1/ns/net /run/netns/nxrf_link && on_exit "rm -f /run/netns/nxrf_link"
refused "/run/netns/nxrf_link is a symbolic link" nxrf_link

unshare -m sleep 60 & HOLDER=$!; on_exit "kill_pid $HOLDER"
wait_for 5 test "$(readlink /proc/$HOLDER/ns/mnt)" != "$(readlink /proc/self/ns/mnt)"
touch /run/netns/nxrf_mnt && on_exit "rm -f /run/netns/nxrf_mnt"
mount --bind /proc/$HOLDER/ns/mnt /run/netns/nxrf_mnt && on_exit "umount /run/netns/nxrf_mnt"
refused "/run/netns/nxrf_mnt is not a network namespace" nxrf_mnt

touch /run/netns/nxrf_uts && on_exit "rm -f /run/netns/nxrf_uts"
mount --bind /proc/self/ns/uts /run/netns/nxrf_uts && on_exit "umount /run/netns/nxrf_uts"
refused "/run/netns/nxrf_uts is not a network namespace" nxrf_uts

# A network namespace owned by another user namespace: that namespace's
# owner holds CAP_NET_ADMIN over it (the control shows a user doing so).
unshare -U -n sleep 60 & UHOLDER=$!; on_exit "kill_pid $UHOLDER"
wait_for 5 test "$(readlink /proc/$UHOLDER/ns/user)" != "$(readlink /proc/self/ns/user)"
touch /run/netns/nxrf_userns && on_exit "rm -f /run/netns/nxrf_userns"
mount --bind /proc/$UHOLDER/ns/net /run/netns/nxrf_userns && on_exit "umount /run/netns/nxrf_userns"
write_test_policy "$POLICY_OK
nxrf_userns $USER_A"
refused "/run/netns/nxrf_userns belongs to another user namespace" nxrf_userns
write_test_policy "$POLICY_OK"
check_eq "control: a user's own user namespace gives it CAP_NET_ADMIN over its network namespace" made \
    "$(as_user $USER_A unshare -U -r -n sh -c 'ip link set lo up && ip link add nxrf0 type veth peer name nxrf1 && echo made' 2>&1)"

touch /run/netns/nxrf_file && on_exit "rm -f /run/netns/nxrf_file"
refused "/run/netns/nxrf_file is not a network namespace" nxrf_file

# A name `ip netns add` is still creating (or `ip netns del` removing): it
# makes an empty regular file of mode 0 and mounts the namespace over it
# after. A launch in between is refused as "not up yet", not with open's
# "Permission denied"; the 0644 file above stays "not a network namespace"
# (the control: only the shape ip leaves is taken for a jail coming up).
install -m 0 /dev/null /run/netns/nxrf_creating && on_exit "rm -f /run/netns/nxrf_creating"
refused "namespace nxrf_creating is not up yet" nxrf_creating

refused "namespace nxrf_missing does not exist: is the jail up?" nxrf_missing

chmod o+w /run/netns && on_exit "chmod o-w /run/netns"
refused "/run/netns is writable by group or other" $NS
chmod o-w /run/netns
refused "nxrf_alice may not enter nxrf_unlisted: ask an administrator" nxrf_unlisted

# --- unsafe or broken policy files -------------------------------------------
chown $USER_A "$TEST_POLICY"
refused "$TEST_POLICY is not owned by root; as root run: chown root:root $TEST_POLICY" $NS
chown root "$TEST_POLICY"; chmod g+w "$TEST_POLICY"
refused "$TEST_POLICY is writable by group or other; as root run: chmod go-w $TEST_POLICY" $NS
chmod 0644 "$TEST_POLICY"; chmod o+w "$TEST_POLICY"
refused "$TEST_POLICY is writable by group or other" $NS
chmod 0644 "$TEST_POLICY"; chmod g+w "$TEST_POLICY_DIR"
refused "$TEST_POLICY_DIR is writable by group or other" $NS
chmod 0755 "$TEST_POLICY_DIR"; chown $USER_A "$TEST_POLICY_DIR"
refused "$TEST_POLICY_DIR is not owned by root" $NS
chown root "$TEST_POLICY_DIR"
mv "$TEST_POLICY" "$TEST_POLICY.real"; ln -s "$TEST_POLICY.real" "$TEST_POLICY"
refused "$TEST_POLICY is a symbolic link" $NS
rm -f "$TEST_POLICY"; mv "$TEST_POLICY.real" "$TEST_POLICY"
chmod 0600 "$TEST_POLICY"
refused "open($TEST_POLICY): Permission denied: the policy must be readable by its users; as root run: chmod 0644 $TEST_POLICY" $NS
chmod 0644 "$TEST_POLICY"
rm -f "$TEST_POLICY"; mkfifo -m 0644 "$TEST_POLICY"
refused "$TEST_POLICY is not a regular file" $NS
rm -f "$TEST_POLICY"
refused "$TEST_POLICY does not exist, so no one may enter a namespace" $NS
printf '%s\n' "$POLICY_OK" >"$TEST_POLICY"; chmod 0644 "$TEST_POLICY"

# Syntax errors: every bad line is reported with file:line, then one stop.
printf '%s\n' "$NS $USER_A" "bad/name $USER_A" "ok2 $USER_A colour=red" >"$TEST_POLICY"
rm -f "$MARK"
err=$(as_user $USER_A "$NX" $NS touch "$MARK" 2>&1); rc=$?
check_eq "syntax errors: refused with 125" 125 $rc
check_contains "syntax errors name file:line (2)" "netns-exec: $TEST_POLICY:2: invalid namespace name 'bad/name'" "$err"
check_contains "syntax errors name file:line (3)" "netns-exec: $TEST_POLICY:3: unknown option 'colour'" "$err"
check_eq "one line per error" 2 "$(printf '%s\n' "$err" | wc -l)"
check "syntax errors: command did not run" test ! -e "$MARK"
printf '%s\n' "$POLICY_OK" >"$TEST_POLICY"

# --- a jail without its resolver, and unsafe per-jail /etc files ------------------
# No /etc/netns/NAME (never written, or removed under a running jail): the
# host's resolv.conf would answer, so the launch is refused, unless the
# namespace's line says resolver=host (the control: then the host's shows).
rm -rf /etc/netns/$NS
fix="as root: netns-jail up $NS writes it; a namespace meant to use the host's resolvers says resolver=host in $TEST_POLICY"
refused "/etc/netns/$NS is missing, so $NS would use the host's resolvers; refusing ($fix)" $NS
write_test_policy "$NS $USER_A resolver=host"
check_eq "control: with resolver=host a missing /etc/netns/$NS gives the host's resolv.conf" \
    "$(cat /etc/resolv.conf)" "$(as_user $USER_A "$NX" $NS cat /etc/resolv.conf)"
write_test_policy "$POLICY_OK"
mkdir -p /etc/netns/$NS && on_exit "rm -rf /etc/netns/$NS"
refused "/etc/netns/$NS has no resolv.conf, so the jail would use the host's resolvers; refusing ($fix)" $NS
echo '127.0.0.1 localhost' >/etc/netns/$NS/hosts
refused "/etc/netns/$NS has no resolv.conf, so the jail would use the host's resolvers" $NS
write_test_policy "$NS $USER_A resolver=host"
check_eq "control: with resolver=host a directory without resolv.conf gives the host's" \
    "$(cat /etc/resolv.conf)" "$(as_user $USER_A "$NX" $NS cat /etc/resolv.conf)"
check_eq "and its own files still show" "127.0.0.1 localhost" "$(as_user $USER_A "$NX" $NS cat /etc/hosts)"
write_test_policy "$POLICY_OK"
rm -f /etc/netns/$NS/hosts
# The jail's nsswitch.conf is the launcher's; one in the directory would
# decide where lookups go, so it is refused whatever it says.
echo 'nameserver 198.51.100.53' >/etc/netns/$NS/resolv.conf
printf 'hosts: files dns\n' >/etc/netns/$NS/nsswitch.conf
refused "/etc/netns/$NS/nsswitch.conf would decide where the jail's name lookups go; netns-exec writes the jail's own, so as root remove it" $NS
rm -f /etc/netns/$NS/nsswitch.conf
echo 'nameserver 198.51.100.53' >/etc/netns/$NS/resolv.conf
chown $USER_A /etc/netns/$NS/resolv.conf
refused "/etc/netns/$NS/resolv.conf' is not owned by root" $NS
chown root /etc/netns/$NS/resolv.conf; chmod 0666 /etc/netns/$NS/resolv.conf
refused "/etc/netns/$NS/resolv.conf' is writable by group or other" $NS
chmod 0600 /etc/netns/$NS/resolv.conf
refused "open('/etc/netns/$NS/resolv.conf'): Permission denied: the jail's files are read as the caller" $NS
chmod 0644 /etc/netns/$NS/resolv.conf; chmod 0777 /etc/netns/$NS
refused "/etc/netns/$NS is writable by group or other" $NS
chmod 0755 /etc/netns/$NS; ln -s /etc/passwd /etc/netns/$NS/hosts
refused "/etc/netns/$NS/hosts' is a symbolic link" $NS
rm -f /etc/netns/$NS/hosts

# --- the launcher without its capability ----------------------------------------
install -m 0755 -o root -g root "$NX" "$SCRATCH/bin/netns-exec-nocap"
rm -f "$MARK"
err=$(as_user $USER_A "$SCRATCH/bin/netns-exec-nocap" $NS touch "$MARK" 2>&1); rc=$?
check_eq "no capability: refused with 125" 125 $rc
check_contains "no capability: says how to fix it" "netns-exec: netns-exec lacks CAP_SYS_ADMIN: install it with make install as root, or run as root: setcap cap_sys_admin+ep '$SCRATCH/bin/netns-exec-nocap'" "$err"
check "no capability: command did not run" test ! -e "$MARK"

# --- root, and ids that are not the caller's own ------------------------------
# A policy that admits root (by name here; on Slackware root is in wheel)
# must still not let root in: a jailed root keeps owner rights to root's
# files, /proc/sys/kernel/core_pattern among them.
write_test_policy "$NS root $USER_A"
rm -f "$MARK"
err=$("$NX" $NS touch "$MARK" 2>&1); rc=$?
check_eq "root admitted by the policy: refused with 125" 125 $rc
check_contains "root: says why and what to do" "netns-exec: root may not enter a jail" "$err"
check "root: command did not run" test ! -e "$MARK"
# Control: the same policy lets the user in, so the refusal above is root's.
as_user $USER_A "$NX" $NS touch "$MARK"
check "control: the same policy admits the ordinary user" test -e "$MARK"
# A setuid-root program that runs netns-exec: real uid the user's,
# effective uid 0. The jailed program would run as root.
rm -f "$MARK"
err=$(setpriv --ruid="$USER_A" --rgid="$(id -g $USER_A)" --clear-groups -- "$NX" $NS touch "$MARK" 2>&1); rc=$?
check_eq "effective uid 0 under a user's real uid: refused with 125" 125 $rc
check_contains "mixed ids: says why" "netns-exec: root may not enter a jail" "$err"
check "mixed ids: command did not run" test ! -e "$MARK"
write_test_policy "$POLICY_OK"

# --- a kernel with no guard against the user's other processes -----------------
# Without Landlock (ABI 2+) and with Yama at 0 a jailed program could ptrace
# the user's programs outside the jail: refused, unless the namespace's line
# gives that up by name. Only a kernel without usable Landlock can show
# this (the guest matrix's Slackware profile); Yama's scope is lowered for
# the check and put back.
YAMA=/proc/sys/kernel/yama/ptrace_scope
if [ "$(landlock_abi)" -lt 2 ] && [ -w "$YAMA" ] && [ "$(cat "$YAMA")" -lt 3 ]; then
    old_scope=$(cat "$YAMA")
    on_exit "echo $old_scope >$YAMA"
    echo 0 >"$YAMA"
    refused "netns-exec: this kernel has" $NS
    refused "sysctl kernel.yama.ptrace_scope=1" $NS
    write_test_policy "$NS $USER_A host-ptrace=allow"
    rm -f "$MARK"
    as_user $USER_A "$NX" $NS touch "$MARK"
    check "host-ptrace=allow: the namespace that gave the guard up launches" test -e "$MARK"
    echo "$old_scope" >"$YAMA"
    write_test_policy "$POLICY_OK"
else
    echo "  note this kernel has Landlock (ABI $(landlock_abi)); the no-guard refusal is shown in the guest matrix"
fi

# And after all that, the good case still works.
as_user $USER_A "$NX" $NS touch "$MARK" || echo "rc=$?" >&2
check "a good launch after the refusals" test -e "$MARK"

suite_end

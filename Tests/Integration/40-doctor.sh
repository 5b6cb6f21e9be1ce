#!/bin/bash
# netns-jail doctor: its verdicts match what this kernel offers, computed
# here independently of netns-jail (the Landlock syscall through python3,
# the LSM list from securityfs, Yama's sysctl, a WireGuard interface made
# by hand), and each launcher problem it exists to catch (no capability,
# a nosuid filesystem, a writable binary, a broken policy) is named with
# its fix and exit 1. Everything it probes with is removed again.
#
# NETNS_TEST_EXPECT_WG=kernel (set in the Debian guest kernels) demands
# kernel WireGuard rather than whichever this kernel has.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-doctor
require_root
require_cmd setpriv useradd setcap python3 unshare ip

NJ=$REPO_ROOT/.build/release/netns-jail
SRC=$REPO_ROOT/.build/release/netns-exec
[ -x "$NJ" ] && [ -x "$SRC" ] || { fail "netns-jail and netns-exec are built (make build)"; suite_end; }
make_scratch_dir SCRATCH
make_test_user nxdoc_user

# Other suites may make namespaces meanwhile; doctor's are all nxdoctor-PID.
probe_namespaces() { ip netns list | grep -c '^nxdoctor-'; }
probes_before=$(probe_namespaces)

# A policy of our own (--policy), so the verdict does not depend on this
# machine's /etc/netns-exec.conf: one namespace keeps the guard, one gives it up.
install -d -m 0755 -o root -g root "$SCRATCH/etc"
POLICY=$SCRATCH/etc/netns-exec.conf
printf 'nxdoc_guarded root\nnxdoc_open root host-ptrace=allow\n' >"$POLICY"
chmod 0644 "$POLICY"

GOOD=$(install_launcher "$SCRATCH/good" "$SRC") || { fail "install a capped launcher"; suite_end; }

# doctor ARGS...: sets OUT (stdout) and RC.
doctor() { OUT=$("$NJ" doctor --policy "$POLICY" "$@" 2>"$SCRATCH/err"); RC=$?; }
# line SUBJECT: the line for SUBJECT in OUT.
line() { printf '%s\n' "$OUT" | grep -E "^[a-z]+ +$1: " | head -n 1; }

doctor --launcher "$GOOD"
check_eq "stderr is empty" "" "$(cat "$SCRATCH/err")"
check "every line is 'VERDICT  SUBJECT: DETAIL'" \
    test -z "$(printf '%s\n' "$OUT" | grep -Ev '^(info |ok   |warn |fail ) [^ :][^:]*: .')"
check_eq "the first line is the kernel" "info  kernel: Linux $(uname -r) $(uname -m)" "$(printf '%s\n' "$OUT" | head -n 1)"
if printf '%s\n' "$OUT" | grep -q '^fail'; then want_rc=1; else want_rc=0; fi
check_eq "exit status follows the fail lines" $want_rc $RC

# --- isolation: the launcher's rule, recomputed from the kernel ------------
abi=$(python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
r = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint(1))  # landlock_create_ruleset, VERSION
print(r if r >= 0 else 0)')
case $abi in
    [0-9]*) ;;
    *) fail "read the Landlock ABI with python3 (got '$abi')"; suite_end ;;
esac
if [ -r /sys/kernel/security/lsm ]; then
    lsm=$(cat /sys/kernel/security/lsm)
else
    # securityfs is not mounted here; mount it where only this shell sees it.
    lsm=$(unshare --mount --propagation private sh -c \
        'mount -t securityfs securityfs /sys/kernel/security && cat /sys/kernel/security/lsm' 2>/dev/null)
fi
yama=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
if [ -z "$lsm" ]; then
    skip "the active LSM list (securityfs) is readable"
else
    case ",$lsm," in *,landlock,*) ll=yes ;; *) ll=no ;; esac
    if [ "$abi" -ge 1 ]; then got=yes; else got=no; fi
    check_eq "landlock is in the LSM list ($lsm) exactly when the syscall answers (ABI $abi)" $ll $got
fi
iso=$(line isolation)
if [ "$abi" -ge 6 ]; then
    check_eq "isolation: landlock, scoped" "ok    isolation: landlock (ABI $abi, scoped)" "${iso%%): *})"
elif [ "$abi" -ge 2 ]; then
    check_eq "isolation: landlock, unscoped" "ok    isolation: landlock (ABI $abi)" "${iso%%): *})"
elif [ "${yama:-0}" -ge 1 ]; then
    check_eq "isolation: yama" "warn  isolation: yama (ptrace_scope $yama)" "${iso%%): *})"
else
    check_contains "isolation: refused" "fail  isolation: refused: " "$iso"
    check_contains "isolation: refusal says what to do" "sysctl kernel.yama.ptrace_scope=1" "$iso"
fi
if [ "$abi" -ge 2 ] || [ "${yama:-0}" -ge 1 ]; then
    check_eq "host-ptrace=allow changes nothing here, so no line for it" "" "$(line 'isolation nxdoc_open')"
else
    check_contains "host-ptrace=allow: that namespace runs unguarded" "warn  isolation nxdoc_open: none (host-ptrace=allow)" "$(line 'isolation nxdoc_open')"
fi
check_eq "no line for the namespace that keeps the guard" "" "$(line 'isolation nxdoc_guarded')"
check_eq "policy line" "ok    policy: $POLICY: 2 namespaces (nxdoc_guarded, nxdoc_open)" "$(line policy)"

# --- the probes --------------------------------------------------------------
check_eq "/etc overlay: ok" "ok    etc overlay: the kernel mounts the read-only overlay netns-exec puts on /etc" "$(line 'etc overlay')"
check "the overlay probe left /etc alone" test ! -e /etc/netns-jail-doctor-probe
check_eq "no probe directory left in /run" "" "$(ls -d /run/netns-jail-doctor.* 2>/dev/null)"
check_eq "no probe namespace left" "$probes_before" "$(probe_namespaces)"

wg=$(line wireguard)
ip netns add nxdoc_wg && on_exit "ip netns del nxdoc_wg"
if ip -n nxdoc_wg link add nxdoc0 type wireguard 2>/dev/null; then kernel_wg=yes; else kernel_wg=no; fi
if [ "${NETNS_TEST_EXPECT_WG:-}" = kernel ]; then
    check_eq "kernel WireGuard is available (NETNS_TEST_EXPECT_WG=kernel)" yes $kernel_wg
    check_eq "wireguard: kernel" "ok    wireguard: kernel" "$wg"
elif [ $kernel_wg = yes ]; then
    check_eq "wireguard: kernel" "ok    wireguard: kernel" "$wg"
elif command -v wireguard-go >/dev/null 2>&1; then
    check_contains "wireguard: wireguard-go" "ok    wireguard: wireguard-go at " "$wg"
else
    check_contains "wireguard: fail, install" "fail  wireguard: no kernel WireGuard" "$wg"
fi
if command -v wg >/dev/null 2>&1; then
    check_eq "wg found" "ok    wg: $(command -v wg)" "$(line wg)"
fi
# OpenVPN: the program and its version as it prints them itself, and a
# tun device made by hand in a namespace of ours.
ovpn=$(command -v openvpn)
if [ -n "$ovpn" ]; then
    check_eq "openvpn: path and version" "ok    openvpn: $ovpn, $("$ovpn" --version | sed -n '1s/^\(OpenVPN [^ ]*\).*/\1/p')" "$(line openvpn)"
else
    check_contains "openvpn: warn, install" "warn  openvpn: not installed" "$(line openvpn)"
fi
if ip -n nxdoc_wg tuntap add dev nxdoctun mode tun 2>/dev/null; then
    check_eq "tun: ok" "ok    tun: /dev/net/tun" "$(line tun)"
else
    check_contains "tun: warn, no tun device" "warn  tun: " "$(line tun)"
fi
if command -v nft >/dev/null 2>&1; then
    check_eq "nftables: ok" "ok    nftables: the kernel accepts the kill switch ruleset" "$(line nftables)"
else
    check_contains "nftables: fail, install" "fail  nftables: nft not found" "$(line nftables)"
fi

# --- the launcher --------------------------------------------------------------
check_eq "launcher found where --launcher says" "ok    launcher: $GOOD" "$(line launcher)"
check_eq "capped launcher: file ok" "ok    launcher file: root-owned, mode 0755" "$(line 'launcher file')"
check_contains "capped launcher: directories ok (/var/tmp is sticky)" "ok    launcher directories: " "$(line 'launcher directories')"
check_eq "capped launcher: capability ok" "ok    launcher capability: cap_sys_admin=ep" "$(line 'launcher capability')"
check_contains "capped launcher: filesystem ok" "ok    launcher filesystem: " "$(line 'launcher filesystem')"

# failing LABEL SUBJECT WANT ARGS...: doctor ARGS gives exit 1 and a fail
# line for SUBJECT that holds WANT.
failing() {
    local label=$1 subject=$2 want=$3; shift 3
    doctor "$@"
    check_eq "$label: exit 1" 1 $RC
    check_contains "$label: fail line with the fix" "fail  $subject: " "$(line "$subject")"
    check_contains "$label: names the fix" "$want" "$(line "$subject")"
}

# Control: the same binary without its capability.
install -d -m 0755 -o root -g root "$SCRATCH/bare/bin"
install -m 0755 -o root -g root "$SRC" "$SCRATCH/bare/bin/netns-exec"
failing "no capability" "launcher capability" "setcap cap_sys_admin+ep $SCRATCH/bare/bin/netns-exec" \
    --launcher "$SCRATCH/bare/bin/netns-exec"

# More than cap_sys_admin is also wrong.
install -d -m 0755 -o root -g root "$SCRATCH/more/bin"
install -m 0755 -o root -g root "$SRC" "$SCRATCH/more/bin/netns-exec"
setcap cap_sys_admin,cap_net_admin+ep "$SCRATCH/more/bin/netns-exec"
failing "an extra capability" "launcher capability" "cap_net_admin,cap_sys_admin=ep, but netns-exec needs exactly" \
    --launcher "$SCRATCH/more/bin/netns-exec"

# A capped copy on a nosuid filesystem: the kernel would ignore its capability.
install -d -m 0755 -o root -g root "$SCRATCH/nosuid"
if mount -t tmpfs -o nosuid,mode=0755,size=16m nxdoc-nosuid "$SCRATCH/nosuid"; then
    on_exit "umount -l '$SCRATCH/nosuid'"
    if NS=$(install_launcher "$SCRATCH/nosuid" "$SRC"); then
        failing "nosuid filesystem" "launcher filesystem" "mount -o remount,suid $SCRATCH/nosuid" --launcher "$NS"
    else
        fail "setcap on a tmpfs"
    fi
else
    fail "mount a nosuid tmpfs"
fi

# A launcher that its group may rewrite.
GW=$(install_launcher "$SCRATCH/gw" "$SRC") && chmod 0775 "$GW"
failing "group-writable launcher" "launcher file" "chmod go-w $GW" --launcher "$GW"

# A launcher in a directory another user owns, then below one.
UD=$(install_launcher "$SCRATCH/ud" "$SRC")
chown nxdoc_user "$SCRATCH/ud/bin"
failing "directory owned by a user" "launcher directories" "chown root:root $SCRATCH/ud/bin," --launcher "$UD"
chown root "$SCRATCH/ud/bin"; chown nxdoc_user "$SCRATCH/ud"
failing "parent directory owned by a user" "launcher directories" "chown root:root $SCRATCH/ud," --launcher "$UD"
chown root "$SCRATCH/ud"

# A policy netns-exec would refuse.
printf 'nxdoc_ok root\n../bad root\n' >"$POLICY"
failing "broken policy" "policy" "$POLICY:2: invalid namespace name" --launcher "$GOOD"
printf 'nxdoc_ok root\n' >"$POLICY"; chmod 0666 "$POLICY"
failing "policy writable by others" "policy" "chmod go-w $POLICY" --launcher "$GOOD"
chmod 0644 "$POLICY"

# --- who may run it -----------------------------------------------------------
err=$(as_user nxdoc_user "$NJ" doctor 2>&1 >/dev/null); rc=$?
check_eq "as a normal user: exit 2" 2 $rc
check_eq "as a normal user: one netns-jail: line" "netns-jail: doctor needs root: run it as root (su -c 'netns-jail doctor ...')" "$err"

check_eq "no probe namespace left after all runs" "$probes_before" "$(probe_namespaces)"
check_eq "no probe directory left after all runs" "" "$(ls -d /run/netns-jail-doctor.* 2>/dev/null)"
suite_end

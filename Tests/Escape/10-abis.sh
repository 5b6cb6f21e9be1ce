#!/bin/bash
# Escape matrix, part 1: every call the seccomp filter denies, through each
# entry point a 64-bit program has into the kernel: x86_64 `syscall`, the
# i386 gate `int $0x80`, and x32 (`syscall` with __X32_SYSCALL_BIT). Each is
# run inside the jail (the exact errno is asserted) and, as a control,
# outside it, where the kernel's own answer shows what the filter changed.
# Also: clone3, the new mount API, AF_VSOCK (socket, i386 socketcall and
# io_uring) and the 64-bit ioctl request with its upper half set.
cd "$(dirname "$0")/../.." || exit 1
. Tests/lib/testlib.sh
. Tests/Escape/helpers/escape-lib.bash

suite_begin "escape: filtered calls on every ABI"
escape_setup

# Calls the filter fails with EPERM, on all three ABIs. The arguments are
# such that the kernel alone answers differently where it can (EBADF,
# ENOENT, EINVAL, or success), see try-syscall.c.
denied="setns-badfd unshare-net unshare-user unshare-time clone-newnet clone-newuser
 mount umount2 pivot_root chroot open_tree move_mount fsopen fsconfig fsmount fspick
 mount_setattr
 tiocsti tiocsti-hi tioclinux tioclinux-hi tiocspgrp tiocspgrp-hi tiocsetd tiocsetd-hi io_uring_setup io_uring_enter io_uring_register
 add_key request_key keyctl"
# Ordinary calls that must keep working in the jail (the filter is a
# deny-list, not a sandbox).
allowed="clone-plain socket-inet"

# One launch runs the whole table; every helper process inherits the filter.
table() {
    local abi p
    for abi in x64 i386 x32; do
        for p in $denied $allowed clone3 umount socketcall-vsock socketcall-inet; do
            printf '%s %s %s\n' "$abi" "$p" "$("$ESC_TRY" "$abi" "$p" | cut -d' ' -f1)"
        done
    done
}
export -f table
export ESC_TRY denied allowed
inside=$(jailed /bin/bash -c table)
outside=$(outside /bin/bash -c table)

result() { printf '%s\n' "$1" | awk -v a="$2" -v p="$3" '$1 == a && $2 == p { print $3 }'; }

# Socket families are an allow-list: unix, inet, inet6 and netlink behave as
# outside; every other family, with or without upper bits set, fails with
# EAFNOSUPPORT, as if the kernel lacked it. AF_VSOCK (40) reaches the
# hypervisor host from any namespace; the others are a sample of the rest.
allowed_af="1:2 2:2 10:2 16:3"            # family:type (netlink wants SOCK_RAW)
refused_af="40:1 40:2 0:2 3:2 4:2 5:2 9:2 17:3 29:2 30:2 31:5 38:5 42:2 44:3 45:2 46:2 4095:2"
families() {
    local abi fam
    for abi in x64 i386 x32; do
        for fam in $allowed_af $refused_af; do
            printf '%s %s %s\n' "$abi" "$fam" "$("$ESC_TRY" "$abi" socket-af "${fam%%:*}" "${fam##*:}" | cut -d' ' -f1)"
            printf '%s %s-hi %s\n' "$abi" "$fam" "$("$ESC_TRY" "$abi" socket-af-hi "${fam%%:*}" "${fam##*:}" | cut -d' ' -f1)"
        done
    done
}
export -f families
export allowed_af refused_af
af_inside=$(jailed /bin/bash -c families)
af_outside=$(outside /bin/bash -c families)
for abi in x64 i386 x32; do
    for fam in $refused_af; do
        check_eq "$abi socket(family ${fam%%:*}): EAFNOSUPPORT in the jail (kernel alone: $(result "$af_outside" "$abi" "$fam"))" \
            EAFNOSUPPORT "$(result "$af_inside" "$abi" "$fam")"
        check_eq "$abi socket(family ${fam%%:*} | 1<<32): EAFNOSUPPORT in the jail" \
            EAFNOSUPPORT "$(result "$af_inside" "$abi" "$fam-hi")"
    done
    for fam in $allowed_af; do
        check_eq "$abi socket(family ${fam%%:*}): unchanged by the filter" \
            "$(result "$af_outside" "$abi" "$fam")" "$(result "$af_inside" "$abi" "$fam")"
    done
done
if [ -e /dev/vsock ] || [ -d /sys/module/vsock ]; then
    check_eq "control: AF_VSOCK sockets work outside the jail on this VM" ok "$(result "$af_outside" x64 40:1)"
fi

for abi in x64 i386 x32; do
    for p in $denied; do
        check_eq "$abi $p: EPERM in the jail (kernel alone: $(result "$outside" "$abi" "$p"))" \
            EPERM "$(result "$inside" "$abi" "$p")"
    done
    # clone3 keeps its flags in memory the filter cannot read, so it is
    # refused as "not implemented" and the C library falls back to clone.
    check_eq "$abi clone3: ENOSYS in the jail (kernel alone: $(result "$outside" "$abi" clone3))" \
        ENOSYS "$(result "$inside" "$abi" clone3)"
    # Unfiltered calls behave exactly as outside (on a kernel without x32,
    # both sides say ENOSYS).
    for p in $allowed; do
        check_eq "$abi $p: unchanged by the filter" \
            "$(result "$outside" "$abi" "$p")" "$(result "$inside" "$abi" "$p")"
    done
done

# umount(2) exists only in the i386 table.
check_eq "i386 umount (oldumount): EPERM in the jail" EPERM "$(result "$inside" i386 umount)"

# The control run proves the assertions above can fail: these are the
# kernel's own answers, which the filter replaced.
for abi in x64 i386; do
    check_eq "control $abi setns(-1): the kernel alone says EBADF" EBADF "$(result "$outside" "$abi" setns-badfd)"
    check_eq "control $abi clone3(NULL, 0): the kernel alone says EINVAL" EINVAL "$(result "$outside" "$abi" clone3)"
    check_eq "control $abi open_tree(missing): the kernel alone says ENOENT" ENOENT "$(result "$outside" "$abi" open_tree)"
    check_eq "control $abi io_uring_setup(NULL): the kernel alone says EFAULT" EFAULT "$(result "$outside" "$abi" io_uring_setup)"
    check_eq "control $abi io_uring_enter(-1): the kernel alone says EBADF" EBADF "$(result "$outside" "$abi" io_uring_enter)"
    # (Which check comes first differs between kernels: 6.1 says EBADF.)
    check "control $abi io_uring_register(-1, 0): the kernel alone says EINVAL or EBADF" \
        grep -qxE 'EINVAL|EBADF' <<<"$(result "$outside" "$abi" io_uring_register)"
    check_eq "control $abi add_key(NULL): the kernel alone says EFAULT" EFAULT "$(result "$outside" "$abi" add_key)"
    check_eq "control $abi request_key(NULL): the kernel alone says EFAULT" EFAULT "$(result "$outside" "$abi" request_key)"
    check_eq "control $abi keyctl(-1): the kernel alone says EOPNOTSUPP" EOPNOTSUPP "$(result "$outside" "$abi" keyctl)"
done
# i386 socketcall(SYS_SOCKET, args): the family is in memory, out of the
# filter's reach, so libseccomp fails the whole SYS_SOCKET sub-call closed.
# Cost: a 32-bit program whose C library creates sockets through
# socketcall cannot create any socket in the jail (SECURITY-NOTES.md).
check_eq "i386 socketcall(SYS_SOCKET, AF_VSOCK): EAFNOSUPPORT in the jail" EAFNOSUPPORT "$(result "$inside" i386 socketcall-vsock)"
check_eq "i386 socketcall(SYS_SOCKET, AF_INET): EAFNOSUPPORT too (documented cost)" EAFNOSUPPORT "$(result "$inside" i386 socketcall-inet)"
check_eq "control: i386 socketcall(SYS_SOCKET, AF_INET) works outside" ok "$(result "$outside" i386 socketcall-inet)"

# io_uring creates sockets without socket(2), out of the filter's sight:
# before the io_uring_setup rule this made an AF_VSOCK socket in the jail.
check_eq "io_uring IORING_OP_SOCKET AF_VSOCK: no ring in the jail" "setup:EPERM" "$(jailed "$ESC_URING" vsock)"
uring_outside=$(outside "$ESC_URING" vsock)
case $uring_outside in
    ok) pass "control: io_uring AF_VSOCK socket works outside the jail (the path was real)" ;;
    setup:*) skip "io_uring is disabled on this kernel ($uring_outside); the control cannot run" ;;
    *) fail "control: io_uring AF_VSOCK outside gave $uring_outside" ;;
esac
# A ring made outside and inherited through the launcher: the jailed
# program cannot submit to it. (The control uses it from outside.)
check_eq "an io_uring ring inherited from outside: io_uring_enter EPERM in the jail" "enter:EPERM" \
    "$(outside "$ESC_URING" hold "$ESC_LAUNCHER" "$ESC_JAIL" "$ESC_URING" enter-inherited)"
case $uring_outside in
    setup:*) skip "io_uring is disabled on this kernel; no inherited-ring control" ;;
    *) check_eq "control: the same inherited ring works outside the jail" ok \
           "$(outside "$ESC_URING" hold "$ESC_URING" enter-inherited)" ;;
esac

# The filter compiled into netns-exec (made at build time by
# netns-exec-filter from Sources/netns-exec-filter/JailFilter.swift) against
# what libseccomp makes at run time of this suite's own C copy of the rules
# (helpers/libseccomp-rules.h): two independent transcriptions of the rule
# table, which must give the same program byte for byte.
filter_header=$(dirname "$ESC_BUILD")/launcher-build/jail-filter.h
if gcc -O2 -Wall -o "$ESC_DIR/export-filter" "$ESC_HELPERS/export-filter.c" -lseccomp; then
    # One array per program: cl_jail_filter, and cl_jail_filter_userns for
    # namespaces whose policy line says userns=allow.
    for variant in "" _userns; do
        "$ESC_DIR/export-filter" ${variant:+userns} >"$ESC_DIR/filter$variant.rt.bpf"
        python3 -c '
import re, struct, sys
text = open(sys.argv[1]).read()
body = re.search(r"cl_jail_filter" + sys.argv[2] + r"\[\] = \{(.*?)\n\};", text, re.S).group(1)
rows = re.findall(r"\{(0x[0-9a-f]+), (\d+), (\d+), (0x[0-9a-f]+)\},", body)
sys.stdout.buffer.write(b"".join(struct.pack("<HBBI", int(c, 16), int(t), int(f), int(k, 16)) for c, t, f, k in rows))
' "$filter_header" "$variant" >"$ESC_DIR/filter$variant.built.bpf"
        name=${variant:+the userns=allow variant}
        name=${name:-the compiled-in filter}
        check "$name has instructions" test -s "$ESC_DIR/filter$variant.built.bpf"
        check "$name is byte for byte what libseccomp builds from the C copy of the rules" \
            cmp -s "$ESC_DIR/filter$variant.built.bpf" "$ESC_DIR/filter$variant.rt.bpf"
    done
    check "control: the two programs differ" bash -c "! cmp -s '$ESC_DIR/filter.built.bpf' '$ESC_DIR/filter_userns.built.bpf'"
else
    fail "building Tests/Escape/helpers/export-filter.c with libseccomp"
fi

suite_end

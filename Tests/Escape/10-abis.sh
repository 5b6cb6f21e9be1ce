#!/bin/bash
# Escape matrix, part 1: every call the seccomp filter denies, through each
# entry point a 64-bit program has into the kernel: x86_64 `syscall`, the
# i386 gate `int $0x80`, and x32 (`syscall` with __X32_SYSCALL_BIT). Each is
# run inside the jail (the exact errno is asserted) and, as a control,
# outside it, where the kernel's own answer shows what the filter changed.
# Also: clone3, the new mount API, AF_VSOCK (socket, socketpair, i386
# socketcall and io_uring), the 64-bit ioctl request with its upper half
# set, and call numbers above the filter's table (newer kernels' calls).
cd "$(dirname "$0")/../.." || exit 1
. Tests/lib/testlib.sh
. Tests/Escape/helpers/escape-lib.bash

suite_begin "escape: filtered calls on every ABI"
escape_setup

# Calls the filter fails with EPERM, on all three ABIs, in every jail. The
# arguments are such that the kernel alone answers differently where it can
# (EBADF, ENOENT, EINVAL, or success), see try-syscall.c.
denied="setns-badfd
 mount umount2 pivot_root open_tree move_mount fsopen fsconfig fsmount fspick
 mount_setattr
 tiocsti tiocsti-hi tioclinux tioclinux-hi tiocspgrp tiocspgrp-hi tiocsetd tiocsetd-hi io_uring_setup io_uring_enter io_uring_register
 add_key request_key keyctl"
# Calls only a jail whose policy line says userns=deny refuses (EPERM): the
# namespace-making unshare and clone, and chroot. By default they are the
# kernel's to answer, as outside (a user namespace is made; without one the
# kernel refuses the other kinds and chroot itself): what self-sandboxing
# programs need (SECURITY.md, "Programs that sandbox themselves";
# 70-userns.sh shows what a namespace made there cannot reach).
userns_calls="unshare-net unshare-user unshare-time clone-newnet clone-newuser chroot"
# Ordinary calls that must keep working in the jail (the filter is a
# deny-list, not a sandbox).
allowed="clone-plain socket-inet"

# One launch runs the whole table; every helper process inherits the filter.
table() {
    local abi p
    for abi in x64 i386 x32; do
        for p in $denied $userns_calls $allowed clone3 umount socketcall-vsock socketcall-inet socketcall-pair-vsock \
                 socketcall-pair-unix open_tree_attr; do
            printf '%s %s %s\n' "$abi" "$p" "$("$ESC_TRY" "$abi" "$p" | cut -d' ' -f1)"
        done
    done
}
export -f table
export ESC_TRY denied userns_calls allowed
inside=$(jailed /bin/bash -c table)
inside_deny=$(jailed_deny /bin/bash -c table)
outside=$(outside /bin/bash -c table)

result() { printf '%s\n' "$1" | awk -v a="$2" -v p="$3" '$1 == a && $2 == p { print $3 }'; }

# Socket families are an allow-list: unix, inet, inet6 and netlink behave as
# outside; every other family, with or without upper bits set, fails with
# EAFNOSUPPORT, as if the kernel lacked it. AF_VSOCK (40) reaches the
# hypervisor host from any namespace; the others are a sample of the rest.
allowed_af="1:2 2:2 10:2 16:3"            # family:type (netlink wants SOCK_RAW)
refused_af="40:1 40:2 0:2 3:2 4:2 5:2 9:2 17:3 29:2 30:2 31:5 38:5 42:2 44:3 45:2 46:2 4095:2"
# socketpair(2) gets the same list: it runs the family's create code twice
# before asking the family for a pair, so outside the jail AF_VSOCK answers
# EOPNOTSUPP only after its sockets were made.
families() {
    local abi fam call
    for abi in x64 i386 x32; do
        for fam in $allowed_af $refused_af; do
            for call in socket socketpair; do
                printf '%s %s:%s %s\n' "$abi" "$call" "$fam" "$("$ESC_TRY" "$abi" $call-af "${fam%%:*}" "${fam##*:}" | cut -d' ' -f1)"
                printf '%s %s:%s-hi %s\n' "$abi" "$call" "$fam" "$("$ESC_TRY" "$abi" $call-af-hi "${fam%%:*}" "${fam##*:}" | cut -d' ' -f1)"
            done
        done
    done
}
export -f families
export allowed_af refused_af
af_inside=$(jailed /bin/bash -c families)
af_outside=$(outside /bin/bash -c families)
for abi in x64 i386 x32; do
    for call in socket socketpair; do
        for fam in $refused_af; do
            check_eq "$abi $call(family ${fam%%:*}): EAFNOSUPPORT in the jail (kernel alone: $(result "$af_outside" "$abi" "$call:$fam"))" \
                EAFNOSUPPORT "$(result "$af_inside" "$abi" "$call:$fam")"
            check_eq "$abi $call(family ${fam%%:*} | 1<<32): EAFNOSUPPORT in the jail" \
                EAFNOSUPPORT "$(result "$af_inside" "$abi" "$call:$fam-hi")"
        done
        for fam in $allowed_af; do
            check_eq "$abi $call(family ${fam%%:*}): unchanged by the filter" \
                "$(result "$af_outside" "$abi" "$call:$fam")" "$(result "$af_inside" "$abi" "$call:$fam")"
        done
    done
done
check_eq "socketpair(AF_UNIX) works in the jail" ok "$(result "$af_inside" x64 socketpair:1:2)"
if [ -e /dev/vsock ] || [ -d /sys/module/vsock ]; then
    check_eq "control: AF_VSOCK sockets work outside the jail on this VM" ok "$(result "$af_outside" x64 socket:40:1)"
    # EOPNOTSUPP comes from vsock's socketpair hook, after its create code
    # made both sockets: the path the family rule now closes.
    check_eq "control: socketpair(AF_VSOCK) outside reaches vsock (EOPNOTSUPP, not EAFNOSUPPORT)" EOPNOTSUPP \
        "$(result "$af_outside" x64 socketpair:40:1)"
fi

for abi in x64 i386 x32; do
    for p in $denied; do
        check_eq "$abi $p: EPERM in the jail (kernel alone: $(result "$outside" "$abi" "$p"))" \
            EPERM "$(result "$inside" "$abi" "$p")"
    done
    for p in $userns_calls; do
        check_eq "$abi $p: EPERM in the jail under userns=deny (kernel alone: $(result "$outside" "$abi" "$p"))" \
            EPERM "$(result "$inside_deny" "$abi" "$p")"
        check_eq "$abi $p: by default the kernel's answer, as outside" \
            "$(result "$outside" "$abi" "$p")" "$(result "$inside" "$abi" "$p")"
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
    check_eq "control $abi unshare(CLONE_NEWUSER): the kernel alone makes one" ok "$(result "$outside" "$abi" unshare-user)"
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
# The same for socketcall(SYS_SOCKETPAIR): fails closed, AF_UNIX too.
check_eq "i386 socketcall(SYS_SOCKETPAIR, AF_VSOCK): EAFNOSUPPORT in the jail" EAFNOSUPPORT "$(result "$inside" i386 socketcall-pair-vsock)"
check_eq "i386 socketcall(SYS_SOCKETPAIR, AF_UNIX): EAFNOSUPPORT too (documented cost)" EAFNOSUPPORT "$(result "$inside" i386 socketcall-pair-unix)"
check_eq "control: i386 socketcall(SYS_SOCKETPAIR, AF_UNIX) works outside" ok "$(result "$outside" i386 socketcall-pair-unix)"

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

# Calls the filter does not know: every number above its table gets ENOSYS
# on every ABI, so a call a newer kernel adds (open_tree_attr, 467, Linux
# 6.15, cloned mount trees under userns=allow) is closed before anyone
# lists it. The table's end per ABI is in the generated header
# (UnknownCalls.swift: the reviewed number, or lower where libseccomp names
# no call that high). For a number the kernel lacks, its own answer is
# ENOSYS as well, so the errno alone proves nothing: `past-filters` adds a
# filter that hands the number to a listener and makes the call, which is
# heard only if no earlier filter refused it. Outside the jail every number
# is heard (the control); inside, those above the table are not.
filter_header=$(dirname "$ESC_BUILD")/launcher-build/jail-filter.h
known_last() {   # known_last ABI: the end of the ABI's first range, without the x32 bit
    local name=$1 end
    [ "$name" = x64 ] && name=x86_64
    end=$(sed -n "s|^// known calls: $name 0x[0-9a-f]*-\\(0x[0-9a-f]*\\).*|\\1|p" "$filter_header")
    [ -n "$end" ] && echo $((end & 0x3fffffff))
}
for abi in x64 i386 x32; do
    last=$(known_last "$abi")
    check "the header states the table's end for $abi" test -n "$last"
    last=$((last))
    # The calls glibc and common programs probe (close_range, openat2,
    # faccessat2, epoll_pwait2, futex_waitv, cachestat, statmount,
    # listmount, mseal, ...): below the end they pass, above it they get
    # ENOSYS and fall back. clone3 and io_uring keep their own rules.
    probes="0 39 436 437 439 441 444 447 449 451 452 454 457 458 462 466 $last $((last + 1)) 467 468 470 511 1000 4096 65536"
    [ "$abi" = x32 ] && probes="$probes 512 514 547 548"
    probes=$(printf '%s\n' $probes | sort -nu | tr '\n' ' ')
    unknown_inside=$(jailed /bin/bash -c "for n in $probes; do echo \$n \$('$ESC_TRY' $abi past-filters \$n); done")
    unknown_outside=$(outside /bin/bash -c "for n in $probes; do echo \$n \$('$ESC_TRY' $abi past-filters \$n); done")
    for n in $probes; do
        want=passed
        [ "$n" -gt "$last" ] && want=ENOSYS
        [ "$abi" = x32 ] && [ "$n" -ge 512 ] && [ "$n" -le 547 ] && want=passed   # x32's own calls
        check_eq "$abi call $n: $want in the jail (table ends at $last)" "$want" \
            "$(awk -v n="$n" '$1 == n { print $2 }' <<<"$unknown_inside")"
        check_eq "control: $abi call $n outside the jail reaches the kernel" passed \
            "$(awk -v n="$n" '$1 == n { print $2 }' <<<"$unknown_outside")"
    done
    check_eq "$abi open_tree_attr (467): ENOSYS in the jail (kernel alone: $(result "$outside" "$abi" open_tree_attr))" \
        ENOSYS "$(result "$inside" "$abi" open_tree_attr)"
done
# The kernel's own answer to open_tree_attr(AT_FDCWD, missing path): ENOENT
# from 6.15 on, ENOSYS before (the guest matrix's 6.12); the probe above is
# what shows the jail's ENOSYS is the filter's on both.
check "control: x64 open_tree_attr outside: the kernel says ENOENT (6.15+) or ENOSYS (older)" \
    grep -qxE 'ENOENT|ENOSYS' <<<"$(result "$outside" x64 open_tree_attr)"

# The filter compiled into netns-exec (made at build time by
# netns-exec-filter from Sources/Filter/netns-exec-filter/JailFilter.swift) against
# what libseccomp makes at run time of this suite's own C copy of the rules
# (helpers/libseccomp-rules.h): two independent transcriptions of the rule
# table, which must give the same program byte for byte, unknown-call
# prefix included.
if gcc -O2 -Wall -o "$ESC_DIR/export-filter" "$ESC_HELPERS/export-filter.c" -lseccomp; then
    # One array per program: cl_jail_filter, for namespaces whose policy
    # line says userns=deny, and cl_jail_filter_userns, the default.
    for variant in "" _userns; do
        "$ESC_DIR/export-filter" ${variant:+userns} >"$ESC_DIR/filter$variant.rt.bpf"
        python3 -c '
import re, struct, sys
text = open(sys.argv[1]).read()
body = re.search(r"cl_jail_filter" + sys.argv[2] + r"\[\] = \{(.*?)\n\};", text, re.S).group(1)
rows = re.findall(r"\{(0x[0-9a-f]+), (\d+), (\d+), (0x[0-9a-f]+)\},", body)
sys.stdout.buffer.write(b"".join(struct.pack("<HBBI", int(c, 16), int(t), int(f), int(k, 16)) for c, t, f, k in rows))
' "$filter_header" "$variant" >"$ESC_DIR/filter$variant.built.bpf"
        name=${variant:+the default filter (user namespaces allowed)}
        name=${name:-the userns=deny filter}
        check "$name has instructions" test -s "$ESC_DIR/filter$variant.built.bpf"
        check "$name is byte for byte what libseccomp builds from the C copy of the rules" \
            cmp -s "$ESC_DIR/filter$variant.built.bpf" "$ESC_DIR/filter$variant.rt.bpf"
    done
    check "control: the two programs differ" bash -c "! cmp -s '$ESC_DIR/filter.built.bpf' '$ESC_DIR/filter_userns.built.bpf'"
else
    fail "building Tests/Escape/helpers/export-filter.c with libseccomp"
fi

suite_end

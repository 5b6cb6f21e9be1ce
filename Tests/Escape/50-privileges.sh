#!/bin/bash
# Escape matrix, part 5: privilege. After exec the program holds nothing
# and cannot regain anything (setuid and file-capability binaries included);
# while netns-exec itself holds CAP_SYS_ADMIN the caller cannot trace it;
# and the loader and runtime variables the caller passes (LD_PRELOAD,
# LD_LIBRARY_PATH, LD_AUDIT, SWIFT_*) never act inside the privileged
# launcher, while the command still receives them.
cd "$(dirname "$0")/../.." || exit 1
. Tests/lib/testlib.sh
. Tests/Escape/helpers/escape-lib.bash

suite_begin "escape: privileges"
escape_setup
uid=$(id -u "$ESC_USER")

# --- the jailed process ------------------------------------------------------
status=$(jailed /bin/cat /proc/self/status)
for set in CapInh CapPrm CapEff CapAmb; do
    check_eq "jail: $set is empty" 0000000000000000 "$(printf '%s\n' "$status" | awk -v s="$set:" '$1 == s { print $2 }')"
done
check_eq "jail: NoNewPrivs is 1" 1 "$(printf '%s\n' "$status" | awk '$1 == "NoNewPrivs:" { print $2 }')"
check_eq "jail: seccomp filter mode (2)" 2 "$(printf '%s\n' "$status" | awk '$1 == "Seccomp:" { print $2 }')"

# A setuid-root copy and a file-capability copy of a probe that prints its
# euid and effective capabilities. Outside they work (control); inside,
# no_new_privs makes execve ignore both.
install -m 4755 -o root -g root "$ESC_PROC" "$ESC_DIR/bin/suid-probe"
install -m 0755 -o root -g root "$ESC_PROC" "$ESC_DIR/bin/fcap-probe"
setcap cap_sys_admin,cap_net_admin+ep "$ESC_DIR/bin/fcap-probe"
check_eq "control: the setuid-root copy gives euid 0 outside" euid=0 "$(outside "$ESC_DIR/bin/suid-probe" ids | cut -d' ' -f1)"
check_eq "control: the file-capability copy gives capabilities outside" capeff=0000000000201000 \
    "$(outside "$ESC_DIR/bin/fcap-probe" ids | cut -d' ' -f2)"
check_eq "jail: the setuid-root copy gains nothing" "euid=$uid capeff=0000000000000000" "$(jailed "$ESC_DIR/bin/suid-probe" ids)"
check_eq "jail: the file-capability copy gains nothing" "euid=$uid capeff=0000000000000000" "$(jailed "$ESC_DIR/bin/fcap-probe" ids)"

# --- netns-exec while it still holds CAP_SYS_ADMIN -----------------------------
# The pause build (make pause-build; -DNETNS_EXEC_PAUSE_WHILE_PRIVILEGED)
# stops itself after building the mount view, before dropping privileges.
PAUSE_BUILD=${NXESC_PAUSE_BUILD:-$REPO_ROOT/.build-pause/release/netns-exec}
if [ ! -x "$PAUSE_BUILD" ]; then
    skip "pause build missing: make pause-build"
else
    pause=$(install_launcher "$ESC_DIR/pause" "$PAUSE_BUILD")
    outside_bg "$pause" "$ESC_JAIL" /bin/true
    paused=$!
    on_exit "kill -KILL $paused"
    stopped() { [ "$(awk '{ print $3 }' "/proc/$paused/stat" 2>/dev/null)" = T ]; }
    if wait_for 10 stopped; then
        pass "the pause build stopped itself while privileged"
        check_eq "it holds CAP_SYS_ADMIN while paused" 0000000000200000 \
            "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$paused/status")"
        got=$(outside "$ESC_PROC" attack "$paused" 0 0x1000 0)
        for pair in ptrace-attach=EPERM ptrace-seize=EPERM ptrace-attach-i386=EPERM \
                    process_vm_writev=EPERM pidfd_getfd=EPERM proc-mem-open=EACCES proc-ns-open=EACCES; do
            check_eq "caller -> privileged netns-exec: ${pair%%=*} ${pair#*=}" "${pair#*=}" "$(field "${pair%%=*}" "$got")"
        done
        # The caller may still signal it (same uid), which can only stop or
        # end the launch; SIGCONT lets it finish normally.
        kill -CONT "$paused"
        wait "$paused"
        check_eq "after SIGCONT the paused launch completes" 0 "$?"
    else
        fail "the pause build did not stop (state $(awk '{ print $3 }' "/proc/$paused/stat" 2>/dev/null))"
    fi
fi

# --- loader and runtime variables -------------------------------------------------
mdir=$ESC_DIR/marker
install -d -m 0755 -o "$ESC_USER" "$mdir" "$mdir/lib"
marker=$mdir/marker
cc_marker() { gcc -shared -fPIC -O1 -DMARKER="\"$marker\"" -DKIND="\"$1\"" "${@:3}" \
    -o "$2" "$ESC_HELPERS/marker.c"; }
cc_marker preload "$mdir/preload.so" &&
    cc_marker audit "$mdir/audit.so" -DAUDIT &&
    cc_marker libpath "$mdir/lib/libcap.so.2" -Wl,-soname,libcap.so.2 ||
    fail "building the marker libraries"
chmod 0755 "$mdir"/*.so "$mdir/lib/libcap.so.2"

loader_env=(LD_PRELOAD="$mdir/preload.so" LD_AUDIT="$mdir/audit.so" LD_LIBRARY_PATH="$mdir/lib"
            SWIFT_DEBUG_HELP=YES SWIFT_BACKTRACE=enable=yes,interactive=no)
: >"$marker"; chmod 0666 "$marker"
out=$(outside env "${loader_env[@]}" "$ESC_LAUNCHER" "$ESC_JAIL" /usr/bin/env 2>"$mdir/stderr")
check_eq "with the loader variables set, the launch succeeds" 0 "$?"
check_not_contains "no marker line names netns-exec (nothing ran inside the privileged launcher)" \
    "$ESC_LAUNCHER" "$(cat "$marker")"
check_contains "the preload library ran in the command (the caller's LD_PRELOAD is restored)" \
    "preload " "$(grep ' /usr/bin/env$' "$marker")"
check_contains "the audit module ran in the command" "audit-la_version " "$(grep ' /usr/bin/env$' "$marker")"
check_contains "the command received LD_LIBRARY_PATH" "LD_LIBRARY_PATH=$mdir/lib" "$out"
check_contains "the command received SWIFT_DEBUG_HELP" "SWIFT_DEBUG_HELP=YES" "$out"
check_not_contains "the Swift runtime in netns-exec ignored SWIFT_DEBUG_HELP" "Swift runtime debugging" "$(cat "$mdir/stderr")"
# netns-exec is Embedded Swift: no Swift runtime, so nothing in it reads
# SWIFT_* (an earlier build with the full runtime had to strip them, and a
# capped loop once let the 4097th through). However many there are, they
# do nothing in the launcher.
many=()
for i in $(seq 1 5000); do many+=("SWIFT_NXESC$i=1"); done
outside env "${many[@]}" SWIFT_DEBUG_HELP=YES "$ESC_LAUNCHER" "$ESC_JAIL" /bin/true 2>"$mdir/stderr.many"
check_eq "with 5000 SWIFT_* variables in front, the launch succeeds" 0 "$?"
check_not_contains "... and SWIFT_DEBUG_HELP still does not reach the privileged runtime" \
    "Swift runtime debugging" "$(cat "$mdir/stderr.many")"

# What the binary can reach: it reads its environment only through
# /proc/self/environ for the command, never with getenv, and loads no
# library but libc (libcap and libseccomp are replaced by capset(2) and a
# BPF program made at build time).
imports=$(nm -D --undefined-only "$ESC_LAUNCHER" | awk '{ print $2 }')
check_not_contains "netns-exec imports no getenv" "getenv" "$imports"
check_contains "control: the import list is real (it has execvpe)" "execvpe" "$imports"
check_eq "netns-exec needs libc.so.6 and nothing else" "libc.so.6" \
    "$(readelf -d "$ESC_LAUNCHER" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')"
# Hardening of the binary (scripts/build-launcher.sh): position independent
# (ASLR), relocations read-only after start (full RELRO), no executable
# stack, no RUNPATH that would let a library be found next to it.
check_contains "netns-exec is position independent" "DYN" "$(readelf -h "$ESC_LAUNCHER" | grep Type:)"
check_contains "netns-exec has a RELRO segment" "GNU_RELRO" "$(readelf -lW "$ESC_LAUNCHER")"
check_contains "netns-exec binds every symbol at start (full RELRO)" "BIND_NOW" "$(readelf -d "$ESC_LAUNCHER")"
check_not_contains "netns-exec's stack is not executable" "RWE" "$(readelf -lW "$ESC_LAUNCHER" | grep GNU_STACK)"
check_not_contains "netns-exec has no RUNPATH or RPATH" "PATH" "$(readelf -d "$ESC_LAUNCHER")"

# Controls: the same objects are honoured by an unprivileged copy of the
# launcher (not in secure mode), and SWIFT_DEBUG_HELP is live in an
# ordinary Swift runtime. So the clean results above come from the privilege.
install -m 0755 -o root -g root "$ESC_LAUNCHER" "$ESC_DIR/bin/netns-exec-nocap"
: >"$marker"
outside env "${loader_env[@]}" "$ESC_DIR/bin/netns-exec-nocap" --version >/dev/null 2>"$mdir/stderr.nocap"
check_contains "control: LD_PRELOAD acts in an unprivileged copy" "preload " "$(grep netns-exec-nocap "$marker")"
check_contains "control: LD_AUDIT acts in an unprivileged copy" "audit-la_version " "$(grep netns-exec-nocap "$marker")"
# LD_LIBRARY_PATH: netns-exec needs no library but libc, so the one a
# search path could swap is libc.so.6 itself. A fake one (the marker
# library, named libc.so.6) is ignored by the privileged launcher, whose
# command here is a static program that no loader variable can touch; an
# unprivileged copy loads the fake and fails, naming it.
install -d -m 0755 -o "$ESC_USER" "$mdir/libc"
cc_marker libc "$mdir/libc/libc.so.6" -Wl,-soname,libc.so.6 && chmod 0755 "$mdir/libc/libc.so.6" &&
    printf 'int main(void) { return 0; }\n' | gcc -static -O1 -x c -o "$mdir/static-true" - &&
    chmod 0755 "$mdir/static-true" || fail "building the fake libc.so.6 and a static program"
: >"$marker"
outside env LD_LIBRARY_PATH="$mdir/libc" "$ESC_LAUNCHER" "$ESC_JAIL" "$mdir/static-true" 2>"$mdir/stderr.libc"
check_eq "with a fake libc.so.6 on LD_LIBRARY_PATH, the privileged launch succeeds" 0 "$?"
check_eq "... and printed nothing" "" "$(cat "$mdir/stderr.libc")"
check_not_contains "... and the fake libc was not loaded into netns-exec" "$ESC_LAUNCHER" "$(cat "$marker")"
outside env LD_LIBRARY_PATH="$mdir/libc" "$ESC_DIR/bin/netns-exec-nocap" --version >/dev/null 2>"$mdir/stderr.nocap-libc"
check_contains "control: an unprivileged copy loads the fake libc.so.6 from LD_LIBRARY_PATH" \
    "$mdir/libc/libc.so.6" "$(cat "$mdir/stderr.nocap-libc")"
swift_control=$REPO_ROOT/.build/release/netns-jail
if [ -x "$swift_control" ]; then
    check_contains "control: SWIFT_DEBUG_HELP is honoured by an ordinary Swift program" "Swift runtime debugging" \
        "$(SWIFT_DEBUG_HELP=YES "$swift_control" --help 2>&1)"
else
    skip "no ordinary Swift program to show SWIFT_DEBUG_HELP is live (make build)"
fi

suite_end

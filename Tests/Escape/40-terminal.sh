#!/bin/bash
# Escape matrix, part 4: the terminal. A jailed program that can push
# characters into the input of the terminal it was started from makes the
# user's shell, outside the jail, run them (TIOCSTI); TIOCLINUX can do the
# same on a virtual console. A background jailed program that makes itself
# the terminal's foreground group (TIOCSPGRP) reads the next line typed to
# the user's shell; TIOCSETD switches the line discipline and can kill the
# terminal. Both fail in the jail, also when the request
# has bits set above 32 (the kernel ignores them, seccomp would not), and
# through int $0x80. 10-abis.sh covers a pty the program opens itself; this
# suite uses the real controlling terminal, given by script(1).
cd "$(dirname "$0")/../.." || exit 1
. Tests/lib/testlib.sh
. Tests/Escape/helpers/escape-lib.bash

suite_begin "escape: terminal injection"
escape_setup
require_cmd script

probes="x64:tiocsti x64:tiocsti-hi i386:tiocsti x32:tiocsti x64:tioclinux x64:tioclinux-hi i386:tioclinux
 x64:tiocspgrp x64:tiocspgrp-hi i386:tiocspgrp x32:tiocspgrp x64:tiocsetd x64:tiocsetd-hi i386:tiocsetd"

# run_on_tty jail|host: runs every probe on fd 0, the controlling terminal
# of a fresh script(1) session, jailed or not. Output: "abi:probe RESULT".
run_on_tty() {
    local wrapper=$ESC_DIR/tty-$1.sh launcher=""
    [ "$1" = jail ] && launcher="$(printf '%q %q' "$ESC_LAUNCHER" "$ESC_JAIL")"
    {
        echo 'tty | sed "s/^/tty /"'
        for p in $probes; do
            printf 'printf "%%s %%s\\n" %q "$(%q %q %q stdin)"\n' "$p" "$ESC_TRY" "${p%%:*}" "${p#*:}"
        done
    } >"$wrapper"
    chmod 0755 "$wrapper"
    script -qec "$(printf 'ip netns exec %q %q %q %s /bin/sh %q' \
        "$ESC_HOST" "$AS_USER" "$ESC_USER" "$launcher" "$wrapper")" /dev/null </dev/null | tr -d '\r'
}

# A kernel with dev.tty.legacy_tiocsti=0 (Debian's 6.12) refuses TIOCSTI
# itself; both runs below are made with the kernel's legacy behaviour
# switched on, so that the jail's EPERM is the filter's and the control
# shows what the filter alone stops.
LEGACY=/proc/sys/dev/tty/legacy_tiocsti
legacy_was=$(cat "$LEGACY" 2>/dev/null)
if [ "$legacy_was" = 0 ]; then
    on_exit "echo 0 >$LEGACY"
    echo 1 >"$LEGACY"
fi
inside=$(timeout 20 bash -c "$(declare -f run_on_tty); $(declare -p probes ESC_DIR ESC_LAUNCHER ESC_JAIL ESC_TRY ESC_HOST ESC_USER AS_USER); run_on_tty jail")
outside_out=$(timeout 20 bash -c "$(declare -f run_on_tty); $(declare -p probes ESC_DIR ESC_LAUNCHER ESC_JAIL ESC_TRY ESC_HOST ESC_USER AS_USER); run_on_tty host")

on() { printf '%s\n' "$1" | awk -v p="$2" '$1 == p { print $2 }'; }
check_contains "the jailed program's fd 0 is a terminal" "tty /dev/pts/" "$inside"
for p in $probes; do
    check_eq "jail, controlling tty: $p is EPERM (kernel alone: $(on "$outside_out" "$p"))" EPERM "$(on "$inside" "$p")"
done
# Control: the user may inject into their own terminal, so only the filter
# stops it (legacy TIOCSTI switched on above where the kernel had it off).
check_eq "control: TIOCSTI works on the same terminal outside the jail" ok "$(on "$outside_out" x64:tiocsti)"
check_eq "control: TIOCSTI | 1<<32 works outside too (the kernel truncates)" ok "$(on "$outside_out" x64:tiocsti-hi)"
[ "$legacy_was" = 0 ] && echo 0 >"$LEGACY"
check_eq "control: TIOCSPGRP works on the same terminal outside the jail" ok "$(on "$outside_out" x64:tiocspgrp)"
check_eq "control: TIOCSETD works on the same terminal outside the jail" ok "$(on "$outside_out" x64:tiocsetd)"

# The attack itself: a program started in the background of the user's
# interactive shell takes the foreground and reads the next line typed.
# Outside the jail it gets the line (the control); jailed, TIOCSPGRP is
# refused and its read from the background stops it (SIGTTIN), so the line
# stays with the shell. Measured cost: a jailed interactive bash has no job
# control.
# steal jail|host: prints what the background program got.
steal() {
    local launcher="" out=$ESC_DIR/steal-$1.out
    [ "$1" = jail ] && launcher="$(printf '%q %q' "$ESC_LAUNCHER" "$ESC_JAIL")"
    install -m 0666 /dev/null "$out"
    cat >"$ESC_DIR/steal-$1.sh" <<EOF_STEAL
$launcher /bin/sh -c '$(printf '%q' "$ESC_TRY") x64 tiocspgrp stdin >>$out; read -r line; echo "stolen: \$line" >>$out' &
sleep 6
EOF_STEAL
    chmod 0755 "$ESC_DIR/steal-$1.sh"
    { sleep 3; printf 'secret-typed-by-user\n'; sleep 4; } |
        timeout 20 script -qec "$(printf 'ip netns exec %q %q %q bash --norc -i -c %q' \
            "$ESC_HOST" "$AS_USER" "$ESC_USER" "set -m; . $ESC_DIR/steal-$1.sh")" /dev/null >/dev/null 2>&1
    cat "$out"
}
got=$(steal host)
check_contains "control: outside, a background program takes the foreground (TIOCSPGRP ok)" ok "$got"
check_contains "control: outside, it reads the line typed to the shell" "stolen: secret-typed-by-user" "$got"
got=$(steal jail)
check_contains "jail: TIOCSPGRP from the background is EPERM" EPERM "$got"
check_not_contains "jail: the background program did not get the line typed to the shell" "secret-typed-by-user" "$got"

suite_end

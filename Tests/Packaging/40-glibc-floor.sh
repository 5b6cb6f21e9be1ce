#!/bin/bash
# The glibc floor (packaging/slackware/README.SLACKWARE): netns-exec and
# netns-jail must need no GLIBC_ symbol version above 2.31, so that the
# package runs on Slackware 15.0 (glibc 2.33), and they must work there,
# not just load: the compat wrappers (scripts/glibc-compat/) run before
# main and on every stat, thread and dlopen.
#
# 1. objdump -T of the release binaries and the test build: no version
#    above the floor (scripts/check-glibc-floor.sh), with a control.
# 2. Debian 11's glibc 2.31 (Tests/Packaging/lib/old-glibc.bash, fetched
#    with apt-get download into /var/cache/netns-exec-glibc, not installed).
# 3. The launch and refusal suites (Tests/Integration/10, 20) and the
#    jailed traffic suite (Tests/EndToEnd/10) with both binaries on 2.31.
#
# How 3 runs the binaries on glibc 2.31: each suite runs in a private mount
# namespace in which test copies are bind-mounted over .build-test's
# netns-exec and .build's netns-jail, so the suites, unchanged, install and
# run them. The copies differ from the binaries under test only in their
# ELF interpreter (Debian 11's loader) and RPATH (its library directory):
# the launcher runs with its file capability, in secure mode, on libc 2.31,
# while every program it and the suites start runs on the host's glibc.
# Putting glibc 2.31 over the host's own would not do: every other program
# of the suites (bash, setpriv, ip, curl, and the jailed commands) is
# Debian 12's and needs glibc 2.34. And an explicit loader
# (ld-linux.so BINARY) would run the launcher without its capability.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/lib/old-glibc.bash"
suite_begin "packaging: glibc floor (2.31) and the suites on Debian 11's glibc"
require_root
require_cmd objdump readelf cc unshare mount apt-get dpkg-deb

FLOOR=2.31
CHECK=$REPO_ROOT/scripts/check-glibc-floor.sh
REL=$REPO_ROOT/.build/release
TESTBIN=$REPO_ROOT/.build-test/release/netns-exec
for bin in "$REL/netns-exec" "$REL/netns-jail" "$TESTBIN"; do
    [ -x "$bin" ] || { skip "$bin missing (make build test-build)"; suite_end; }
done
if [ "$(uname -m)" != x86_64 ]; then skip "the compat wrappers are x86_64 only"; suite_end; fi
make_scratch_dir S

# --- 1. symbol versions ------------------------------------------------------
for bin in "$REL/netns-exec" "$REL/netns-jail" "$TESTBIN"; do
    out=$(bash "$CHECK" --floor "$FLOOR" "$bin" 2>&1)
    rc=$?
    need=$(sed -n 's/.*needs glibc >= //p' <<<"$out" | head -n 1)
    check "${bin#"$REPO_ROOT"/} needs no GLIBC_ version above $FLOOR (needs $need)" test "$rc" -eq 0
    if [ "$rc" -ne 0 ]; then echo "$out"; fi
done
printf 'int main(void) { return 0; }\n' | cc -O1 -x c -o "$S/plain" -
out=$(bash "$CHECK" --floor "$FLOOR" "$S/plain" 2>&1)
check "control: a program linked plainly here fails the check" test $? -eq 1
check_contains "control: ... naming __libc_start_main@GLIBC_2.34" "__libc_start_main@GLIBC_2.34" "$out"
check_eq "the launcher still needs libc.so.6 and nothing else" "libc.so.6" \
    "$(readelf -d "$REL/netns-exec" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')"
check_not_contains "the launcher has no RUNPATH or RPATH" "PATH" "$(readelf -d "$REL/netns-exec")"
check_contains "netns-jail loads the shared libgcc_s (no static _dl_find_object)" "libgcc_s.so.1" \
    "$(readelf -d "$REL/netns-jail")"

# --- 2. Debian 11's glibc ------------------------------------------------------
if ! old_glibc_fetch /var/cache/netns-exec-glibc; then
    fail "fetching Debian 11's libc6 (apt-get download); see the message above"
    suite_end
fi
pass "Debian 11's glibc is in /var/cache/netns-exec-glibc ($(basename "$OLD_GLIBC_LOADER"))"
check_eq "and it is not installed on the host" "" \
    "$(dpkg-query -W -f='${Version}\n' libc6 2>/dev/null | grep '^2\.31' || true)"

old_glibc_copy "$REL/netns-exec" "$S/netns-exec" &&
    old_glibc_copy "$TESTBIN" "$S/netns-exec-test" &&
    old_glibc_copy "$REL/netns-jail" "$S/netns-jail" &&
    old_glibc_copy "$S/plain" "$S/plain-old" ||
    { fail "patchelf could not make the test copies"; suite_end; }
out=$("$S/plain-old" 2>&1)
check "control: the plain program does not run on 2.31" test $? -ne 0
check_contains "control: ... because GLIBC_2.34 is missing" "GLIBC_2.34' not found" "$out"
maps=$(LD_DEBUG=libs "$S/netns-exec" --version 2>&1)
check_contains "the launcher copy loads Debian 11's libc" "$OLD_GLIBC_LIB/libc.so.6" "$maps"
check_eq "the launcher runs on 2.31" "netns-exec $(tr -d ' \n' <"$REPO_ROOT/VERSION")" \
    "$("$S/netns-exec" --version 2>&1)"
check_eq "netns-jail runs on 2.31" "netns-jail $(tr -d ' \n' <"$REPO_ROOT/VERSION")" \
    "$("$S/netns-jail" --version 2>&1)"
check_contains "netns-jail's help (argument parser, Foundation) on 2.31" "OVERVIEW" \
    "$("$S/netns-jail" --help 2>&1)"
# The binaries start through __libc_start_main@GLIBC_2.2.5 on the host's
# glibc too, where the wrapper's init function replaces the new libc's own
# pass over the init array.
check_eq "netns-jail on the host's glibc 2.36 runs (the same start path)" \
    "netns-jail $(tr -d ' \n' <"$REPO_ROOT/VERSION")" "$("$REL/netns-jail" --version 2>&1)"

# --- 3. the suites -----------------------------------------------------------
# with_old_glibc CMD...: CMD in a private mount namespace whose
# .build-test/release/netns-exec and .build/release/netns-jail are the
# 2.31 copies. NETNS_TEST_RESULTS is cleared: the nested suites report here.
with_old_glibc() {
    timeout 300 env -u NETNS_TEST_RESULTS unshare --mount --propagation private -- bash -c '
        mount --bind "$1" "$3" && mount --bind "$2" "$4" || exit 99
        shift 4; exec "$@"' with_old_glibc \
        "$S/netns-exec-test" "$S/netns-jail" "$TESTBIN" "$REL/netns-jail" "$@"
}
check_contains "inside, the test build's interpreter is the 2.31 loader" "$OLD_GLIBC_LOADER" \
    "$(with_old_glibc readelf -lW "$TESTBIN")"
check_contains "inside, netns-jail's too" "$OLD_GLIBC_LOADER" "$(with_old_glibc readelf -lW "$REL/netns-jail")"
check_not_contains "outside, nothing changed" "$OLD_GLIBC_LOADER" "$(readelf -lW "$TESTBIN")"

for suite in Tests/Integration/10-launch.sh Tests/Integration/20-refusals.sh Tests/EndToEnd/10-jail-traffic.sh; do
    log=$S/$(basename "$suite" .sh).log
    start=$SECONDS
    # This suite holds the machine's suite lock (testlib.sh); the suites it
    # runs inside it must not wait for it.
    (cd "$REPO_ROOT" && NXE_SUITE_LOCK=off with_old_glibc bash "$suite") >"$log" 2>&1
    rc=$?
    summary=$(grep -E '^[^ ].*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
    check "$suite passes with glibc 2.31 (${summary##*: }, $((SECONDS - start)) s)" test "$rc" -eq 0
    if [ "$rc" -ne 0 ]; then grep -A2 -E '^  (FAIL|skip)' "$log" | head -n 40; tail -n 3 "$log"; fi
    check_eq "$suite skipped nothing" "" "$(grep -E '^  skip' "$log" || true)"
done

suite_end

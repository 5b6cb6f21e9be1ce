# Shared helpers for the privileged shell test suites.
# Source it from a suite; call `suite_begin NAME`, then checks, then `suite_end`.
#
# Rules every suite follows (see README "Testing"):
#  - under CI=true a missing prerequisite is a failure, never a skip;
#  - everything a test creates is registered with `on_exit` at creation time,
#    so it is removed even when the suite dies half-way;
#  - processes are killed by PID only; every wait is bounded.

set -u

TEST_PASSED=0
TEST_FAILED=0
TEST_SKIPPED=0
TEST_SUITE=unnamed
_CLEANUPS=()

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# take_port: ports for the servers a suite starts, below the ephemeral range.
. "$REPO_ROOT/Tests/lib/ports.sh"

_run_cleanups() {
    local i
    for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${_CLEANUPS[$i]}" >/dev/null 2>&1 || true
    done
    _CLEANUPS=()
}

# on_exit CMD: run CMD (a string, eval'd) when the suite ends, last-in first-out.
on_exit() { _CLEANUPS+=("$1"); }

# One suite at a time per machine: suites share the test build's fixed policy
# path, namespace names, interface names and addresses, so two runs at once
# (two worktrees, a helper and CI) would pull each other's jails down. A
# directory lock rather than flock(1): an open descriptor would be inherited
# by every daemon a suite starts and outlive the suite with it. The holder's
# PID is in the lock; a lock whose holder is gone (a SIGKILLed run) is taken
# over. NXE_SUITE_LOCK=off leaves it out (the guest harness, which only runs
# suites inside guests, each with a /run of its own).
SUITE_LOCK=/run/netns-exec-suites.lock
_suite_lock() {
    local i holder announced=
    for ((i = 0; i < 3600; i++)); do
        if mkdir "$SUITE_LOCK" 2>/dev/null; then
            echo $$ >"$SUITE_LOCK/pid"
            on_exit "rm -rf '$SUITE_LOCK'"
            return 0
        fi
        holder=$(cat "$SUITE_LOCK/pid" 2>/dev/null)
        if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
            rm -rf "$SUITE_LOCK"
            continue
        fi
        [ -n "$announced" ] || { echo "  (waiting for the suite run by PID ${holder:-?})"; announced=1; }
        sleep 1
    done
    echo "  FAIL the suite lock $SUITE_LOCK was held for an hour" >&2
    exit 1
}

suite_begin() {
    TEST_SUITE=$1
    trap '_run_cleanups' EXIT
    trap '_run_cleanups; exit 130' INT TERM
    echo "== $TEST_SUITE"
    [ "${NXE_SUITE_LOCK:-on}" = off ] || _suite_lock
}

pass() { TEST_PASSED=$((TEST_PASSED + 1)); echo "  ok   $*"; }
fail() { TEST_FAILED=$((TEST_FAILED + 1)); echo "  FAIL $*"; }

# skip REASON: only outside CI. Under CI=true a skip is a failure.
skip() {
    if [ "${CI:-}" = "true" ]; then
        fail "prerequisite missing under CI: $*"
    else
        TEST_SKIPPED=$((TEST_SKIPPED + 1)); echo "  skip $*"
    fi
}

# check DESC CMD...: passes when CMD exits 0.
check() {
    local desc=$1; shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then pass "$1"
    else fail "$1"; printf '       expected: %q\n       actual:   %q\n' "$2" "$3"; fi
}

# check_contains DESC NEEDLE HAYSTACK
check_contains() {
    case "$3" in
        *"$2"*) pass "$1" ;;
        *) fail "$1"; printf '       wanted:  %q\n       in:      %q\n' "$2" "$3" ;;
    esac
}

# check_not_contains DESC NEEDLE HAYSTACK
check_not_contains() {
    case "$3" in
        *"$2"*) fail "$1"; printf '       unwanted: %q\n       in:       %q\n' "$2" "$3" ;;
        *) pass "$1" ;;
    esac
}

# require_root / require_cmd: prerequisites. Outside CI they skip the suite.
require_root() {
    if [ "$(id -u)" -ne 0 ]; then skip "$TEST_SUITE needs root"; suite_end; fi
}
require_cmd() {
    local c
    for c in "$@"; do
        if ! command -v "$c" >/dev/null 2>&1; then
            skip "$TEST_SUITE needs $c (run make test-deps)"; suite_end
        fi
    done
}

# test_uid VAR: a UID that no one else on the machine holds, reserved for
# this run until it exits. Suites and the demo each write a throw-away layer
# over /etc (topology.sh), so two runs at once would give their first users
# the same "next free" UID, and one run's sweep of its user's processes
# (pgrep -u), or its removal of /run/user/UID, would reach the other's (the
# demo's jailed listener was once SIGKILLed by a Desktop suite's sweep this
# way). A UID is taken only when no account here has it, no process runs
# under it, and this run made its reservation first: one file per UID in
# /run, which every run shares, created with O_EXCL. A reservation whose
# run is gone (SIGKILL) is removed once it is a minute old.
TEST_UID_DIR=/run/netns-exec-test-uids
test_uid() {
    local _tu_var=$1 _tu_uid _tu_used _tu_f _tu_holder _tu_i
    install -d -m 0755 "$TEST_UID_DIR" || return 1
    for _tu_f in "$TEST_UID_DIR"/*; do
        [ -f "$_tu_f" ] || continue
        _tu_holder=$(cat "$_tu_f" 2>/dev/null)
        if [ ! -d "/proc/${_tu_holder:-0}" ] && [ -n "$(find "$_tu_f" -mmin +1 2>/dev/null)" ]; then rm -f "$_tu_f"; fi
    done
    # Real, effective, saved and file-system UIDs of every process.
    _tu_used=" $(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/[0-9]*/status 2>/dev/null | tr '\n' ' ') "
    for ((_tu_i = 0; _tu_i < 200; _tu_i++)); do
        _tu_uid=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        getent passwd "$_tu_uid" >/dev/null && continue
        case $_tu_used in *" $_tu_uid "*) continue ;; esac
        if (set -o noclobber; echo $$ >"$TEST_UID_DIR/$_tu_uid") 2>/dev/null; then
            on_exit "rm -f '$TEST_UID_DIR/$_tu_uid'"
            printf -v "$_tu_var" '%s' "$_tu_uid"
            return 0
        fi
    done
    echo "testlib: no free UID found in 200 tries" >&2
    return 1
}

# make_test_user NAME [HOME]: a real, unprivileged, password-less account
# (home /nonexistent unless given), with a UID from test_uid, removed at
# exit. Prints nothing; sets no globals.
make_test_user() {
    local name=$1 home=${2:-/nonexistent} uid
    userdel -f "$name" >/dev/null 2>&1 || true
    test_uid uid || return 1
    useradd -M -N -u "$uid" -g nogroup -s /bin/sh -d "$home" "$name" || return 1
    on_exit "userdel -f $name"
    # Before the account goes: whatever still runs as it, by PID (a jail's
    # session bus outlives the launch that started it, by design; left
    # running, its uid would be the next test user's).
    on_exit "kill_user_processes $name"
}

# kill_user_processes NAME: every process of the user NAME, by PID.
kill_user_processes() {
    local p
    for p in $(pgrep -u "$1" 2>/dev/null); do kill_pid "$p"; done
}

# make_test_group NAME
make_test_group() {
    groupdel "$1" >/dev/null 2>&1 || true
    groupadd "$1" || return 1
    on_exit "groupdel $1"
}

# --- the test user -------------------------------------------------------------
# AS_USER NAME CMD... (Tests/lib/as-user) is the one way to run CMD as the
# test user NAME, with NAME's groups and no capabilities. It is a program,
# not a function, so that whatever enters a namespace can run it:
#   ip netns exec NS "$AS_USER" NAME CMD...     (with /etc/netns/NS bound, /sys)
#   nsenter --net=/run/netns/NS -- "$AS_USER" NAME CMD...
#   script -qec "$AS_USER NAME CMD" /dev/null   (on a terminal)
# It execs all the way down, so a background start's $! is CMD's PID.
AS_USER=$REPO_ROOT/Tests/lib/as-user

# as_user NAME CMD...: CMD as NAME, here (in the suite's own namespaces).
as_user() { "$AS_USER" "$@"; }

# bg_as_user VAR NAME CMD...: start CMD in the background as NAME with no
# capabilities, put its PID in VAR and kill it at exit. (A function such as
# as_user started with & would give the PID of a subshell, and killing that
# leaves CMD running; AS_USER execs, so the PID is CMD's.)
bg_as_user() {
    local var=$1 name=$2 pid; shift 2
    "$AS_USER" "$name" "$@" &
    pid=$!
    on_exit "kill_pid $pid"
    printf -v "$var" '%s' "$pid"
}

# kill_pid PID: TERM, wait up to 2 s, then KILL. Never by name.
kill_pid() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 20); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds or time runs out.
wait_for() {
    local limit=$1 i; shift
    for ((i = 0; i < limit * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# remove_tree DIR: rm -rf DIR, after detaching every mount below it in this
# mount namespace, deepest first. A suite that binds /run, a proc or a
# sysfs under its scratch directory (Integration/70) must never have rm
# walk into them: a bind of /run is the host's /run, and its files would
# be removed with the scratch. If a mount below DIR remains, DIR is left
# (and said so) rather than walked.
remove_tree() {
    local d=$1 m
    case $d in /var/tmp/?*|/tmp/?*) ;; *) echo "testlib: remove_tree: refusing '$d'" >&2; return 1 ;; esac
    while read -r m; do
        umount -l "$m" 2>/dev/null
    done < <(awk -v p="$d/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r)
    if awk -v p="$d/" 'index($5, p) == 1 {found = 1} END {exit !found}' /proc/self/mountinfo; then
        echo "testlib: mounts remain below $d; it is left in place" >&2
        return 1
    fi
    rm -rf --one-file-system "$d"
}

# make_scratch_dir VAR: a root-owned 0755 directory under /var/tmp, removed at
# exit (remove_tree). (Not /tmp: /tmp is often mounted nosuid, which
# disables file caps.)
make_scratch_dir() {
    local d
    d=$(mktemp -d /var/tmp/netns-exec-test.XXXXXX) || return 1
    chmod 0755 "$d"
    on_exit "remove_tree '$d'"
    printf -v "$1" '%s' "$d"
}

# check_refusal TOOL STATUS DESC WANT CMD...: CMD refuses the way every
# refusal must: exit STATUS, and on stderr one line starting "TOOL: " that
# holds WANT. Three checks.
check_refusal() {
    local tool=$1 status=$2 desc=$3 want=$4 err rc; shift 4
    err=$("$@" 2>&1 >/dev/null); rc=$?
    check_eq "$desc: exit $status" "$status" "$rc"
    check_contains "$desc: message" "$want" "$err"
    check "$desc: one line starting $tool:" \
        test "$(printf '%s\n' "$err" | wc -l)" -eq 1 -a "${err#"$tool: "}" != "$err"
}

suite_end() {
    _run_cleanups
    trap - EXIT INT TERM
    echo "$TEST_SUITE: $TEST_PASSED passed, $TEST_FAILED failed, $TEST_SKIPPED skipped"
    if [ -n "${NETNS_TEST_RESULTS:-}" ]; then
        echo "$TEST_PASSED $TEST_FAILED $TEST_SKIPPED $TEST_SUITE" >>"$NETNS_TEST_RESULTS"
    fi
    [ "$TEST_FAILED" -eq 0 ]
    exit $?
}

# --- the launcher under test ------------------------------------------------
# The test build (make test-build) reads its policy from this fixed path.
TEST_POLICY_DIR=/run/netns-exec-test
TEST_POLICY=$TEST_POLICY_DIR/netns-exec.conf
LAUNCHER_CAPS=cap_sys_admin+ep

# install_launcher DIR [BUILD_BIN]: copy the test build to DIR/bin/netns-exec,
# root-owned 0755 with its real file capability, and print that path.
install_launcher() {
    local dir=$1 src=${2:-$REPO_ROOT/.build-test/release/netns-exec}
    [ -x "$src" ] || { echo "install_launcher: $src missing (make test-build)" >&2; return 1; }
    install -d -m 0755 -o root -g root "$dir/bin"
    install -m 0755 -o root -g root "$src" "$dir/bin/netns-exec"
    setcap "$LAUNCHER_CAPS" "$dir/bin/netns-exec" || return 1
    echo "$dir/bin/netns-exec"
}

# write_test_policy TEXT: install TEXT as the test build's policy, root-owned
# 0644 in a root-owned 0755 directory; removed at exit.
write_test_policy() {
    install -d -m 0755 -o root -g root "$TEST_POLICY_DIR"
    printf '%s\n' "$1" >"$TEST_POLICY"
    chown root:root "$TEST_POLICY"
    chmod 0644 "$TEST_POLICY"
    on_exit "rm -rf '$TEST_POLICY_DIR'"
}

# make_netns NAME: a network namespace (only lo), removed at exit.
make_netns() {
    ip netns del "$1" >/dev/null 2>&1 || true
    ip netns add "$1" || return 1
    on_exit "ip netns del $1"
}

# --- what the kernel gives (computed here, apart from the launcher) --------
# landlock_abi: the running kernel's Landlock ABI, 0 when it has none.
landlock_abi() {
    python3 -c 'import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
print(max(0, libc.syscall(444, None, 0, 1)))'
}

# expected_isolation: the guard netns-exec must pick on this kernel, in the
# words of its audit line (ProcessIsolation.summary), worked out from the
# kernel directly so that a wrong choice in the launcher shows.
expected_isolation() {
    local abi scope
    abi=$(landlock_abi)
    scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
    if [ "$abi" -ge 6 ]; then echo "landlock (ABI $abi, scoped)"
    elif [ "$abi" -ge 2 ]; then echo "landlock (ABI $abi)"
    elif [ -n "$scope" ] && [ "$scope" -ge 1 ]; then echo "yama (ptrace_scope $scope)"
    else echo refused; fi
}

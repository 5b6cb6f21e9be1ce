# Shared set-up for the escape suites (Tests/Escape/NN-*.sh). Sourced after
# Tests/lib/testlib.sh. Not a suite itself: run-suites.sh only runs *.sh.
#
# The topology is the smallest one that has an outside to escape to:
#   nxesc_host  a network namespace standing in for the user's machine; its
#               lo is up, and the "outside" processes of the same user run in
#               it (nothing here touches the real root namespace's network)
#   nxesc_jail  the jail (only lo, down), which nxesc_user may enter, with
#               the default policy line (user namespaces allowed, so
#               self-sandboxing programs keep their sandbox)
#   nxesc_deny  the same with userns=deny: the filter that also refuses
#               every namespace-creating unshare and clone, and chroot
#   nxesc_other a namespace nxesc_user may NOT enter
# The policy also lets nxesc_user into nxesc_host, so that re-running the
# launcher from inside the jail is tried against a namespace the user is
# allowed in: that must fail as well (no_new_privs keeps the capability off).
# Every attack runs as nxesc_user inside the jail, entered from nxesc_host
# by the installed launcher with its real file capability.

ESC_USER=nxesc_user
ESC_HOST=nxesc_host
ESC_JAIL=nxesc_jail
ESC_OTHER=nxesc_other
ESC_DENY=nxesc_deny
# The launcher under test: the test build, unless a developer points
# NXESC_BUILD at another one (for example while working on the filter).
ESC_BUILD=${NXESC_BUILD:-$REPO_ROOT/.build-test/release/netns-exec}
ESC_HELPERS=$REPO_ROOT/Tests/Escape/helpers

# escape_setup: user, namespaces, policy, launcher and the C helpers.
# Sets ESC_DIR (scratch), ESC_LAUNCHER, ESC_TRY, ESC_PROC, ESC_URING.
escape_setup() {
    require_root
    require_cmd gcc setcap ip setpriv
    [ -x "$ESC_BUILD" ] || { skip "$ESC_BUILD missing (make test-build)"; suite_end; }
    make_test_user "$ESC_USER" || { fail "useradd $ESC_USER"; suite_end; }
    make_scratch_dir ESC_DIR
    ESC_LAUNCHER=$(install_launcher "$ESC_DIR" "$ESC_BUILD") || { fail "install launcher"; suite_end; }
    make_netns "$ESC_HOST" && make_netns "$ESC_JAIL" && make_netns "$ESC_OTHER" && make_netns "$ESC_DENY" \
        || { fail "ip netns add"; suite_end; }
    ip -n "$ESC_HOST" link set lo up
    # No /etc/netns/NAME for these: resolver=host says that is meant.
    write_test_policy "$ESC_JAIL $ESC_USER resolver=host
$ESC_DENY $ESC_USER resolver=host userns=deny
$ESC_HOST $ESC_USER resolver=host
$ESC_OTHER nobody resolver=host"
    escape_build_helpers || { fail "building the C helpers"; suite_end; }
}

# Compiles the helpers into ESC_DIR/bin, root-owned, so the user can run but
# not replace them. -mno-red-zone: abi.h pushes below %rsp around int $0x80.
escape_build_helpers() {
    local cflags="-O1 -Wall -mno-red-zone"
    ESC_TRY=$ESC_DIR/bin/try-syscall
    ESC_PROC=$ESC_DIR/bin/nxesc-proc
    ESC_URING=$ESC_DIR/bin/uring-socket
    gcc $cflags -o "$ESC_TRY" "$ESC_HELPERS/try-syscall.c" &&
        gcc $cflags -o "$ESC_PROC" "$ESC_HELPERS/nxesc-proc.c" &&
        gcc $cflags -o "$ESC_URING" "$ESC_HELPERS/uring-socket.c" &&
        chmod 0755 "$ESC_TRY" "$ESC_PROC" "$ESC_URING"
}

# outside CMD...: as the test user, in the host namespace, not jailed.
outside() { ip netns exec "$ESC_HOST" "$AS_USER" "$ESC_USER" "$@"; }

# jailed CMD...: the same user, through the launcher, into the jail.
jailed() { outside "$ESC_LAUNCHER" "$ESC_JAIL" "$@"; }

# jailed_deny CMD...: the same, into the jail whose line says userns=deny.
jailed_deny() { outside "$ESC_LAUNCHER" "$ESC_DENY" "$@"; }

# outside_bg / jailed_bg CMD...: the same in the background. Every step
# execs the next (ip netns exec, AS_USER, netns-exec), so $! afterwards is
# the PID of CMD itself and kill_pid reaches it.
outside_bg() { ( exec ip netns exec "$ESC_HOST" "$AS_USER" "$ESC_USER" "$@" ) & }
jailed_bg() { outside_bg "$ESC_LAUNCHER" "$ESC_JAIL" "$@"; }

# jail_netns_id / host_netns_id: the namespace as a process's
# /proc/PID/ns/net link names it, net:[INODE].
jail_netns_id() { echo "net:[$(stat -L -c %i "/run/netns/$ESC_JAIL")]"; }
host_netns_id() { echo "net:[$(stat -L -c %i "/run/netns/$ESC_HOST")]"; }

# field NAME TEXT: the value of NAME=value in "name=value" lines.
field() { printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n 1; }

#!/bin/bash
# End to end, part 3: netns-jail's lifecycle against the real topology
# (issue 3, checks 5 and 6).
#  5. an unreachable endpoint, a key the server does not know, a malformed
#     key and a taken interface name each make `up` fail and leave nothing:
#     no namespace, no interface, no wireguard-go, no control socket, no
#     /etc/netns/NAME. `up` on a healthy jail changes nothing; `down` twice
#     is fine.
# The jail is built with --no-supervisor: its supervisor would repair the
# breaches made here on purpose (40-faults.sh tests that it does).
#  6. `verify` passes on a good jail and fails after `nft flush ruleset` in
#     the jail, and after a veth is added to it.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/../lib/topology.sh"
topo_suite_begin "EndToEnd/30 jail lifecycle" nxe2c "$0" "$@"
require_cmd perl

JAIL=nxe2c_jail IFC=nxe2c0

topo_build "$TOPO_DIR" || { fail "topology could not be built"; suite_end; }
topo_client_config "$TOPO_DIR/good.conf" "$TOPO_DIR/hook-ran"

# leftovers NAME IFACE: one line per thing a jail left behind.
leftovers() {
    local name=$1 ifc=$2 f
    [ -e "/run/netns/$name" ] && echo "namespace /run/netns/$name"
    ip -n "$TOPO_HOST" link show "$ifc" >/dev/null 2>&1 && echo "interface $ifc in hostsim"
    [ -e "/run/netns-jail/$name.pid" ] && echo "pid file"
    [ -e "/run/netns-jail/$name.supervisor.pid" ] && echo "supervisor pid file"
    [ -e "/run/wireguard/$ifc.sock" ] && echo "control socket /run/wireguard/$ifc.sock"
    [ -e "/etc/netns/$name" ] && echo "/etc/netns/$name"
    [ -e "/run/netns-jail/$name" ] && echo "/run/netns-jail/$name (the live resolv.conf)"
    for f in /proc/[0-9]*/cmdline; do
        tr '\0' ' ' 2>/dev/null <"$f" | grep -q "wireguard-go $ifc \?$" && echo "wireguard-go ${f//[^0-9]/}"
    done
}

# failing_up WHAT NAME IFACE CONF: `up` must fail and leave nothing.
failing_up() {
    local what=$1 name=$2 ifc=$3 conf=$4 rc
    topo_jail_config "$name" "$ifc" "$conf"
    topo_jail_up "$name" "$ifc" --handshake-timeout 2 >"$TOPO_DIR/$name.out" 2>&1
    rc=$?
    check "$what: up fails" test "$rc" -ne 0
    check_contains "$what: the error is one netns-jail: line" "netns-jail:" "$(cat "$TOPO_DIR/$name.out")"
    check_eq "$what: nothing is left behind" "" "$(leftovers "$name" "$ifc")"
}

# --- 5. failure injection ----------------------------------------------------
sed "s/^Endpoint = .*/Endpoint = 192.0.2.200:$TOPO_WG_PORT/" "$TOPO_DIR/good.conf" >"$TOPO_DIR/unreachable.conf"
failing_up "unreachable endpoint" nxe2c_unr nxe2c1 "$TOPO_DIR/unreachable.conf"

sed "s|^PrivateKey = .*|PrivateKey = $(wg genkey)|" "$TOPO_DIR/good.conf" >"$TOPO_DIR/stranger.conf"
failing_up "a key the server does not know" nxe2c_key nxe2c2 "$TOPO_DIR/stranger.conf"

sed "s|^PrivateKey = .*|PrivateKey = not-a-wireguard-key|" "$TOPO_DIR/good.conf" >"$TOPO_DIR/malformed.conf"
failing_up "a malformed key" nxe2c_bad nxe2c3 "$TOPO_DIR/malformed.conf"

# Another interface already has the name (a veth: this kernel has no dummy).
ip -n "$TOPO_HOST" link add nxe2c4 type veth peer name nxe2c4peer
topo_jail_config nxe2c_tkn nxe2c4 "$TOPO_DIR/good.conf"
topo_jail_up nxe2c_tkn nxe2c4 --handshake-timeout 2 >"$TOPO_DIR/taken.out" 2>&1
check "taken interface name: up fails" test $? -ne 0
check_contains "taken interface name: the error names the interface" "nxe2c4" "$(cat "$TOPO_DIR/taken.out")"
check_contains "taken interface name: the other interface is untouched" "nxe2c4@nxe2c4peer" \
    "$(ip -n "$TOPO_HOST" -o link show nxe2c4)"
ip -n "$TOPO_HOST" link del nxe2c4
check_eq "taken interface name: nothing else is left behind" "" "$(leftovers nxe2c_tkn nxe2c4)"

# --- 5. a healthy jail: up twice, down twice ----------------------------------
topo_jail_config "$JAIL" "$IFC" "$TOPO_DIR/good.conf"
topo_jail_up "$JAIL" "$IFC" --no-supervisor >"$TOPO_DIR/up.out" 2>&1
check "a good config: up succeeds" test $? -eq 0 -a -e "/run/netns/$JAIL"
[ -e "/run/netns/$JAIL" ] || { cat "$TOPO_DIR/up.out"; suite_end; }

snapshot() {
    stat -L -c 'netns %i' "/run/netns/$JAIL"
    ip -n "$JAIL" -d link show; ip -n "$JAIL" addr show
    ip -n "$JAIL" -4 route show; ip -n "$JAIL" -6 route show
    in_ns "$JAIL" nft list ruleset
    wg showconf "$IFC"
    cat "/run/netns-jail/$JAIL.pid" "/etc/netns/$JAIL/resolv.conf"
    ip -n "$TOPO_HOST" -o link show | cut -d: -f2
}
before=$(snapshot)
again=$(jail_cmd up "$JAIL" --no-supervisor 2>&1)
check "up on a healthy jail succeeds" test $? -eq 0
check_contains "up on a healthy jail says nothing changed" "nothing changed" "$again"
check_eq "up on a healthy jail changes nothing" "$before" "$(snapshot)"
check "status --json is valid JSON" sh -c 'jail_json=$("$@") && printf "%s" "$jail_json" | python3 -m json.tool >/dev/null' \
    sh nsenter --net="/run/netns/$TOPO_HOST" -- "$TOPO_JAIL_BIN" --config "$TOPO_JAIL_CONF" status "$JAIL" --json

quiet() { "$@" >/dev/null 2>&1; }

# --- 6. verify ----------------------------------------------------------------
check "verify passes on a good jail" quiet jail_cmd verify "$JAIL"
in_ns "$JAIL" nft flush ruleset
out=$(jail_cmd verify "$JAIL" 2>&1)
check "verify fails after nft flush ruleset in the jail" test $? -ne 0
check_contains "verify names the missing kill switch" "kill switch" "$out"

jail_cmd down "$JAIL" >/dev/null 2>&1 && jail_cmd up "$JAIL" --no-supervisor >/dev/null 2>&1
check "verify passes on the rebuilt jail" quiet jail_cmd verify "$JAIL"
ip -n "$JAIL" link add nxe2c_va type veth peer name nxe2c_vb
out=$(jail_cmd verify "$JAIL" 2>&1)
check "verify fails after a veth is added to the jail" test $? -ne 0
check_contains "verify names the veth" "nxe2c_va" "$out"

# --- text from a jail reaches root's terminal quoted (issue 21, item 5) ---------
# Jailed programs choose their command lines and names: one sets argv[0] to
# a window title (OSC 0), an erased line and a forged "is down" line after
# a CR, a clipboard write (OSC 52) and a C1 CSI; another empties its argv
# (perl's $0) and names itself (comm) with an OSC 0. An interface named with OSC 52 is
# in the jail too. up's refusal, status (text and --json), verify and down
# must print none of those bytes raw, only quoted.
evil=$'\e]0;pwned\a\e[2K\r\e]52;c;cHduZWQ=\a\x9b2K'"netns-jail: $JAIL is down"$'\n'
raw_controls() { LC_ALL=C grep -caP '[\x00-\x08\x0b-\x1f\x7f\x9b]'; }
nsenter --net="/run/netns/$JAIL" -- bash -c 'exec -a "$1" sleep 300' evil "$evil" &
argv_pid=$!
on_exit "kill_pid $argv_pid"
nsenter --net="/run/netns/$JAIL" -- perl -e '$0 = ""; open(my $c, ">", "/proc/self/comm") or die; print $c "\e]0;comm\a"; close $c; sleep 300' &
comm_pid=$!
on_exit "kill_pid $comm_pid"
wait_for 5 sh -c 'LC_ALL=C grep -qaP "\x1b" "/proc/$1/comm"' sh "$comm_pid"
ip -n "$JAIL" link add $'\e]52;c;YQ==\a' type veth peer name nxe2c_vq
wait_for 5 sh -c 'LC_ALL=C grep -qaP "\x1b\]52" "/proc/$1/cmdline"' sh "$argv_pid"
check "control: the jailed program's cmdline holds the raw controls" sh -c 'LC_ALL=C grep -qaP "\x1b\]0;pwned\x07\x1b\[2K\r" "/proc/$1/cmdline"' sh "$argv_pid"
check "control: its comm holds an ESC" sh -c 'LC_ALL=C grep -qaP "\x1b\]0;comm" "/proc/$1/comm"' sh "$comm_pid"
check "control: the check finds raw controls where they are" test "$(printf '%s' "$evil" | raw_controls)" -gt 0
out=$(jail_cmd up "$JAIL" --no-supervisor 2>&1)
check_contains "up refuses the jail and names the program" "PID $argv_pid '\x1b]0;pwned\x07\x1b[2K\x0d" "$out"
check_contains "up names the renamed program by its quoted comm" "PID $comm_pid ['\x1b]0;comm\x07']" "$out"
check_eq "up's refusal holds no raw control byte" 0 "$(printf '%s' "$out" | raw_controls)"
out=$(jail_cmd status "$JAIL" 2>&1)
check_contains "status names the interface quoted" "unexpected interface '\x1b]52;c;YQ==\x07'" "$out"
check_eq "status holds no raw control byte" 0 "$(printf '%s' "$out" | raw_controls)"
out=$(jail_cmd status "$JAIL" --json 2>&1)
check_eq "status --json holds no raw control byte" 0 "$(printf '%s' "$out" | raw_controls)"
check "status --json is still valid JSON" sh -c 'printf "%s" "$1" | python3 -m json.tool >/dev/null' sh "$out"
out=$(jail_cmd verify "$JAIL" 2>&1)
check_contains "verify names the interface quoted" "'\x1b]52;c;YQ==\x07'" "$out"
check_eq "verify holds no raw control byte" 0 "$(printf '%s' "$out" | raw_controls)"
out=$(jail_cmd down "$JAIL" 2>&1); rc=$?
check "down succeeds" test "$rc" -eq 0
check_contains "down lists the program still inside, quoted" "still inside $JAIL: PID $argv_pid '\x1b]0;pwned" "$out"
check_eq "down holds no raw control byte" 0 "$(printf '%s' "$out" | raw_controls)"
check_contains "down says the programs remain" "$JAIL is down; 2 process(es) remain" "$out"
kill_pid "$argv_pid"; kill_pid "$comm_pid"

# --- 5. down twice --------------------------------------------------------------
check "down again succeeds" quiet jail_cmd down "$JAIL"
check_eq "down leaves nothing behind" "" "$(leftovers "$JAIL" "$IFC")"

topo_suite_end

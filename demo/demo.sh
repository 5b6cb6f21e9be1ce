#!/bin/bash
# make demo: a jailed program reaching a simulated internet through a real
# WireGuard tunnel, and losing the network (not leaking) when the tunnel
# dies. Needs root and `make build`. Everything it creates lives in network
# namespaces and in a private mount namespace with a throw-away layer over
# /etc, so the real /etc (netns-exec.conf, passwd, resolv.conf) is never
# written, and all of it is removed when the demo ends, however it ends.
set -u
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO_ROOT/Tests/lib/testlib.sh"
. "$REPO_ROOT/Tests/lib/topology.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "demo: run as root (it creates namespaces, a user and a capability-bearing binary): sudo make demo" >&2
    exit 1
fi
for tool in wireguard-go wg nft dnsmasq curl setcap nsenter miniupnpd python3; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is missing; run make test-deps" >&2; exit 1; }
done
for bin in netns-exec netns-jail; do
    [ -x "$REPO_ROOT/.build/release/$bin" ] || { echo "demo: .build/release/$bin is missing; run make build" >&2; exit 1; }
done
topo_reexec_private "$0" "$@"

trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT TERM HUP

JAIL=demo_jail IFC=demo_wg0 USR=nxdemo
TOPO_JAIL_BIN=$REPO_ROOT/.build/release/netns-jail

# Colour only on a terminal.
if [ -t 1 ]; then B=$'\033[1m' C=$'\033[36m' D=$'\033[2m' G=$'\033[32m' R=$'\033[1;31m' N=$'\033[0m'; else B= C= D= G= R= N=; fi
heading() { printf "\n${B}==== %s${N}\n" "$*"; }
note() { printf '%s\n' "$*" | fold -s -w 76 | sed 's/^/  /'; }
# shown LABEL CMD...: print the command as LABEL$ ..., run it, indent its output.
shown() {
    local label=$1; shift
    printf "  ${C}%s${N} %s\n" "$label" "$*"
    "$@" 2>&1 | sed 's/^/      /'
}
# The demo user, on the simulated host, with and without the jail. The
# displayed command is what a user would type; nsenter only puts us on
# the simulated host.
on_host() { host_run "$USR" "$@"; }
in_jail() { host_run "$USR" "$launcher" "$JAIL" "$@"; }
# shown_host and shown_jail keep what the command printed in LAST, for expect.
shown_host() { printf "  ${C}%s@host\$${N} %s\n" "$USR" "$*"; LAST=$(on_host "$@" 2>&1); printf '%s\n' "$LAST" | sed 's/^/      /'; }
# shown_root TEXT CMD...: print TEXT as what root types, run CMD.
shown_root() {
    local text=$1; shift
    printf "  ${C}root@host#${N} %s\n" "$text"
    "$@" 2>&1 | sed 's/^/      /'
}
shown_jail() { printf "  ${C}%s@host\$${N} netns-exec %s %s\n" "$USR" "$JAIL" "$*"; LAST=$(in_jail "$@" 2>&1); LAST_STATUS=$?; printf '%s\n' "$LAST" | sed 's/^/      /'; }

# expect WHAT NEEDLE TEXT: a demo that shows a jail that does not work must
# not end as if it did. Every claim the demo makes is checked; a failed one
# is marked where it happens and makes the demo exit 1 at the end.
FAILED=0
expect() {
    case "$3" in
        *"$2"*) printf "  ${G}ok${N} %s\n" "$1" ;;
        *) printf "  ${R}FAILED${N} %s (expected %q)\n" "$1" "$2"; FAILED=$((FAILED + 1)) ;;
    esac
}
expect_not() {
    case "$3" in
        *"$2"*) printf "  ${R}FAILED${N} %s (found %q)\n" "$1" "$2"; FAILED=$((FAILED + 1)) ;;
        *) printf "  ${G}ok${N} %s\n" "$1" ;;
    esac
}

printf "${B}netns-exec demo: a VPN jail built by netns-jail, entered by netns-exec${N}\n"
heading "0. A sandbox for the demo"
topo_sandbox "$TOPO_SANDBOX_DIR" || { echo "demo: could not sandbox /etc" >&2; exit 1; }
make_scratch_dir TOPO_DIR || exit 1
TOPO_JAIL_CONF=/etc/netns-jail.conf
topo_names nxdemo
if [ "$(stat -f -c %T "/run/netns/$JAIL" 2>/dev/null)" = nsfs ]; then
    echo "demo: a namespace named $JAIL already exists on this machine; the demo will not touch it (remove it first: netns-jail down $JAIL)" >&2
    exit 1
fi
topo_sweep_stale "nxdemo_*" "$JAIL"
note "Private mount namespace; /etc is an overlay whose changes vanish with the demo. Scratch directory: $TOPO_DIR"

heading "1. A simulated VPN provider and internet"
topo_build "$TOPO_DIR" || { echo "demo: the topology could not be built" >&2; exit 1; }
topo_host_resolver "$TOPO_DIR" || { echo "demo: the host's resolver could not be started" >&2; exit 1; }
# The provider's ports start at 1024, not at a realistic 51413: the jail's
# first request is ProtonVPN's (internal port 1, any external port), and
# miniupnpd answers it by trying every external port from 1 up against its
# permission rules, logging each refusal. Up to 51413 that took 133 s for
# one request in a TCG guest (Tests/Guest, kernel 6.1, syslog caught), far
# past the client's 7.75 s, and the retransmissions queued more scans, so no
# port was ever mapped there. A real provider answers at once. These ports
# also lie below every ephemeral range (Tests/lib/ports.sh), so no jailed
# client can hold the one the jailed program listens on.
topo_natpmp_prepare && topo_natpmp_start "$TOPO_DIR" 1024 ||
    { echo "demo: the provider's NAT-PMP server (miniupnpd) could not be started" >&2; exit 1; }
cat <<EOF
  [demo_jail] ==WireGuard== [host] --uplink-- [VPN provider] --NAT-- [internet]
   $TOPO_TUN_CLIENT         $TOPO_HOST_ADDR          $TOPO_VPN_PUBLIC            $TOPO_WEB
                                                              "what is my IP" on port 80
EOF
note "Each box is a network namespace. The provider runs wireguard-go, NAT, a DNS server and a NAT-PMP server for port forwarding (miniupnpd, as ProtonVPN's gateway does); the host has its own DNS server (192.0.2.53) and nscd. Nothing here touches the machine's real network."

heading "2. The provider's WireGuard config, and /etc/netns-jail.conf"
install -d -m 0700 /etc/wireguard
topo_client_config "/etc/wireguard/$IFC.conf" "$TOPO_DIR/hook-ran"
printf '  /etc/wireguard/%s.conf:\n' "$IFC"
sed 's/^\(PrivateKey = \).*/\1(hidden)/; s/^/      /' "/etc/wireguard/$IFC.conf"
topo_jail_config "$JAIL" "$IFC" "/etc/wireguard/$IFC.conf"
printf 'port-forward = natpmp\n' >>"$TOPO_JAIL_CONF"
printf '  %s:\n' "$TOPO_JAIL_CONF"
sed 's/^/      /' "$TOPO_JAIL_CONF"

heading "3. netns-jail up $JAIL"
on_exit "topo_jail_sweep $JAIL $IFC"
shown_root "netns-jail up $JAIL" jail_cmd up "$JAIL"
[ -e "/run/netns/$JAIL" ] || { echo "demo: netns-jail up failed" >&2; exit 1; }
shown_root "netns-jail status $JAIL" jail_cmd status "$JAIL"

heading "4. A user, an installed netns-exec, and who may enter"
make_test_user "$USR" || exit 1
launcher=$(install_launcher "$TOPO_DIR/prefix" "$REPO_ROOT/.build/release/netns-exec") || exit 1
printf '%s %s\n' "$JAIL" "$USR" >/etc/netns-exec.conf
chmod 0644 /etc/netns-exec.conf
shown_root "getcap $launcher" getcap "$launcher"
shown_root "cat /etc/netns-exec.conf" cat /etc/netns-exec.conf

heading "5. Who does the internet think we are?"
shown_host curl -s -m 5 "http://$TOPO_WEB/"
expect "the host arrives as itself" "$TOPO_HOST_ADDR" "$LAST"
shown_jail curl -s -m 5 "http://$TOPO_WEB/"
expect "the jailed program arrives as the VPN" "$TOPO_VPN_PUBLIC" "$LAST"
shown_jail curl -s -m 5 "http://[$TOPO_WEB6]/"
expect "the jailed program arrives as the VPN over IPv6" "$TOPO_VPN_PUBLIC6" "$LAST"
note "The host is $TOPO_HOST_ADDR; the jailed curl arrives as the provider, $TOPO_VPN_PUBLIC (and $TOPO_VPN_PUBLIC6 over IPv6)."
shown_host getent ahostsv4 whoami.test
shown_jail getent ahostsv4 whoami.test
expect "the jail resolves through the VPN's DNS" "$TOPO_VPN_ANSWER" "$LAST"
note "Names: the host's DNS says $TOPO_HOST_ANSWER, the provider's says $TOPO_VPN_ANSWER. The jail asks the provider's."

heading "6. The jail's view beside the host's"
# side_by_side TITLE SCRIPT: SCRIPT's output on the host and in the jail.
side_by_side() {
    on_host sh -c "$2" 2>&1 | tr '\t' ' ' >"$TOPO_DIR/view.host"
    in_jail sh -c "$2" 2>&1 | tr '\t' ' ' >"$TOPO_DIR/view.jail"
    printf "  ${B}%s${N}\n" "$1"
    paste -d$'\037' "$TOPO_DIR/view.host" "$TOPO_DIR/view.jail" | awk -F$'\037' '{printf "    %-40s %s\n", $1, $2}'
}
printf "    ${D}%-40s %s${N}\n" "host (as $USR)" "jail (netns-exec $JAIL ...)"
side_by_side "interfaces (ip -br addr, no link-local)" 'ip -br addr | sed "s| fe80::[^ ]*||" | awk "{print \$1, \$3, \$4}"'
side_by_side "/etc/resolv.conf" 'grep -v "^#" /etc/resolv.conf'
side_by_side "capabilities (/proc/self/status)" 'grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status'
note "netns-exec carries cap_sys_admin, but the jailed program has no capability, cannot gain any (NoNewPrivs) and runs under a seccomp filter."

heading "6b. A jailed web UI, published on the host's 127.0.0.1"
# A stand-in for qbittorrent-nox's web UI: a web server the user runs in
# the jail, listening on the jail's own loopback. Port 8080, as a user
# would type it: it lies below every ephemeral range, in the jail and the
# simulated host, namespaces of the demo's own.
install -d -m 0755 "$TOPO_DIR/webui"
echo "jailed web UI of $USR" >"$TOPO_DIR/webui/index.html"
host_run_bg wpid "$TOPO_DIR/webui.log" "$USR" "$launcher" "$JAIL" /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$TOPO_DIR/webui" 8080
note "$USR runs a web server in the jail on 127.0.0.1:8080 (netns-exec $JAIL python3 -m http.server --bind 127.0.0.1 8080)."
wait_for 10 in_jail curl -sf -m 1 -o /dev/null "http://127.0.0.1:8080/"
shown_host curl -sS -m 3 "http://127.0.0.1:8080/"
expect_not "before publishing, the host's 127.0.0.1:8080 does not reach the jail" "jailed web UI" "$LAST"
# The relay runs as a user of its own, which the package and make install
# create; a scratch demo creates it here when missing, and removes it after.
if ! getent passwd netns-relay >/dev/null; then
    shown_root "groupadd -r netns-relay && useradd -r -g netns-relay -d / -s /bin/false netns-relay" \
        sh -c 'groupadd -r netns-relay && useradd -r -g netns-relay -d / -s /bin/false netns-relay'
    on_exit "userdel -f netns-relay; groupdel netns-relay"
fi
echo "publish = 127.0.0.1:8080" >>"$TOPO_JAIL_CONF"
shown_root "echo 'publish = 127.0.0.1:8080' >>$TOPO_JAIL_CONF" true
shown_root "netns-jail up $JAIL" jail_cmd up "$JAIL"
# The supervisor may have started the relay itself a moment before; on a
# slow machine (a TCG guest under load) its first answer can take longer
# than curl's 3 s, so it gets a bounded while before the check.
wait_for 20 on_host curl -sf -m 3 -o /dev/null "http://127.0.0.1:8080/"
shown_host curl -sS -m 3 "http://127.0.0.1:8080/"
expect "the published web UI answers on the host's 127.0.0.1:8080" "jailed web UI of $USR" "$LAST"
shown_jail ip -br link
expect_not "the jail still has no interface but lo and the tunnel" "veth" "$LAST"
note "The supervisor's relay (running as its own user, netns-relay) listens on the host's 127.0.0.1:8080 and connects into the jail's loopback; the jail gets no new interface. Any local user can reach a 127.0.0.1 port: on a shared machine publish a Unix socket with an owner instead (netns-jail.conf(5))."

heading "7. The tunnel dies"
client='i=0; while [ $i -lt 12 ]; do i=$((i+1)); printf "%2d  " $i; curl -sS -m 1 "http://$1/" 2>&1 || true; sleep 1; done'
host_run_bg cpid "$TOPO_DIR/client.out" "$USR" "$launcher" "$JAIL" sh -c "$client" client "$TOPO_WEB"
note "A jailed program asks \"what is my IP\" once a second (netns-exec $JAIL sh -c 'while ...; do curl ...; done')."
wait_for 10 grep -q "^ 3 " "$TOPO_DIR/client.out"
printf "  ${C}root@host#${N} ip -n %s link del %s   ${D}(the tunnel crashes)${N}\n" "$JAIL" "$IFC"
ip -n "$JAIL" link del "$IFC"
wait_for 20 test ! -d "/proc/$cpid"
sed 's/^/      /' "$TOPO_DIR/client.out"
note "Before the crash it was $TOPO_VPN_PUBLIC. While the tunnel is gone the jail holds only lo behind a drop-everything kill switch, so nothing can fall back to the host's uplink; netns-jail's supervisor rebuilds the tunnel within a second or two (often before the next request) and the program goes on, still as the provider."
expect "the jailed client reached the internet as the VPN before the crash" "$TOPO_VPN_PUBLIC" "$(cat "$TOPO_DIR/client.out")"
printf '  the IP server saw requests from:\n'
awk '$2 != "/ready" {print $1}' "$TOPO_DIR/web.log" | sort | uniq -c | sed 's/^/    /'
expect_not "no jailed request arrived from the host's address after the crash" "$TOPO_HOST_ADDR" \
    "$(awk '$2 != "/ready" {print $1}' "$TOPO_DIR/web.log" | sed 1d)"
note "$TOPO_HOST_ADDR is the host's own curl in step 5; everything the jail sent came from the provider's address."

heading "8. A port forwarded by the provider"
note "port-forward = natpmp: the jail's supervisor asked the provider's gateway for a port (NAT-PMP), renews it before it expires, and writes it where users and scripts read it; a port-forward-hook (such as the qBittorrent one) would get each new port."
wait_for 15 test -s "/run/netns-jail/$JAIL.port"
shown_jail cat "/run/netns-jail/$JAIL.port"
port=$LAST
case $port in 102[4-9]|103[0-3]) forwarded=yes ;; *) forwarded="no port in 1024-1033" ;; esac
expect "the provider forwards a port to the jail (one of its ports 1024-1033)" "yes" "$forwarded"
forwarded_line() { jail_cmd status "$JAIL" | grep forwarded; }
shown_root "netns-jail status $JAIL | grep forwarded" forwarded_line
listener='import socket, sys
s = socket.socket(); s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen()
c, peer = s.accept(); c.sendall(b"hello from inside the jail\n"); c.close()
print("a peer connected from", peer[0])'
case $port in ''|*[!0-9]*) port=0 ;; esac
host_run_bg lpid "$TOPO_DIR/listener.out" "$USR" "$launcher" "$JAIL" python3 -c "$listener" "$port"
note "A jailed program listens on port $port; a peer on the internet connects to the provider's address $TOPO_VPN_PUBLIC, port $port:"
sleep 1
printf "  ${C}peer@internet\$${N} nc %s %s\n" "$TOPO_VPN_PUBLIC" "$port"
LAST=$(in_ns "$TOPO_NET" python3 -c 'import socket, sys
try: print(socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).recv(100).decode(), end="")
except OSError as e: print("cannot connect:", e)' "$TOPO_VPN_PUBLIC" "$port" 2>&1)
printf '%s\n' "$LAST" | sed 's/^/      /'
expect "a peer on the internet reaches the jailed program through the forwarded port" "hello from inside the jail" "$LAST"
wait_for 5 test ! -d "/proc/$lpid"
sed 's/^/      /' "$TOPO_DIR/listener.out"

heading "9. netns-jail down"
shown_root "netns-jail down $JAIL" jail_cmd down "$JAIL"
shown_jail curl -s -m 5 "http://$TOPO_WEB/"
expect "netns-exec refuses once the jail is gone" "netns-exec:" "$LAST"
note "With the jail gone, netns-exec refuses to run the command at all."

heading "Done"
note "Cleaning up: namespaces, processes, the demo user and the sandbox."
if [ "$FAILED" -ne 0 ]; then
    printf "\n${R}demo: FAILED: %d of the checks above; the jail does not work on this machine (as root, run: netns-jail doctor)${N}\n" "$FAILED" >&2
    exit 1
fi
printf "\n${B}demo: every check passed${N}\n"

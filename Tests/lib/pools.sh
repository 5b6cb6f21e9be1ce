# Three simulated provider servers for a jail with a pool (EndToEnd/75).
# Source after topology.sh, and call pool_build after topo_build.
#
#   [jail] ==wg== [hostsim] -- [vpnsrv] ------------ [internet] --+-- [srv2]
#                                 server 1 (topology)  203.0.113.80  +-- [srv3]
#
# Server 1 is the topology's own vpnsrv. Servers 2 and 3 each have a
# namespace of their own, linked to the internet namespace (which then
# forwards between its links), each running wireguard-go, NAT to its own
# public address and a DNS server on its tunnel address. Each server hands
# out its own tunnel addresses and DNS, and its DNS answers every *.test
# name with an address of its own, so an answer says which resolver gave
# it, and the IP server's log says which server carried a request:
#
#   server  endpoint            public        tunnel (server/client)      DNS answer
#   1       192.0.2.1:51820     203.0.113.1   198.51.100.1/.2             203.0.113.53
#   2       203.0.113.34:51820  203.0.113.34  198.51.100.65/.66           203.0.113.54
#   3       203.0.113.38:51820  203.0.113.38  198.51.100.129/.130         203.0.113.55
#
# A server is killed by dropping what arrives at its WireGuard port (it
# goes silent, as a crashed one does) and revived by deleting that rule. Only documentation
# ranges are used, and nothing touches the real root namespace's network.

POOL_ENDPOINT=( "" "$TOPO_ISP_ADDR" 203.0.113.34 203.0.113.38 )
POOL_PUBLIC=( "" "$TOPO_VPN_PUBLIC" 203.0.113.34 203.0.113.38 )
POOL_TUN_SERVER=( "" "$TOPO_TUN_SERVER" 198.51.100.65 198.51.100.129 )
POOL_TUN_CLIENT=( "" "$TOPO_TUN_CLIENT" 198.51.100.66 198.51.100.130 )
POOL_ANSWER=( "" "$TOPO_VPN_ANSWER" 203.0.113.54 203.0.113.55 )
POOL_INTERNET_END=( "" "" 203.0.113.33 203.0.113.37 )

# pool_ns K: the namespace of server K.
pool_ns() { [ "$1" = 1 ] && echo "$TOPO_VPN" || echo "${TOPO_NET%_net}_s$1"; }

# pool_server K DIR: server 2 or 3, with its keys in DIR; its client's
# private key in DIR/client-K.key, its public key in POOL_SERVER_PUB[K].
pool_server() {
    local k=$1 dir=$2 ns p=${TOPO_NET%_net} pid
    ns=$(pool_ns "$k")
    make_netns "$ns" || return 1
    _topo_sysctls "$ns"
    ip -n "$ns" link set lo up
    ip link add "${p}_n$k" netns "$TOPO_NET" type veth peer name "${p}_w$k" netns "$ns" || return 1
    ip -n "$TOPO_NET" addr add "${POOL_INTERNET_END[$k]}/30" dev "${p}_n$k"
    ip -n "$TOPO_NET" link set "${p}_n$k" up
    in_ns "$TOPO_NET" sysctl -qw net.ipv4.ip_forward=1
    # vpnsrv has 203.0.113.0/24 on its link to the internet: without this
    # route it would look for the server's address on that link.
    ip -n "$TOPO_VPN" route replace "${POOL_INTERNET_END[$k]%.*}.$(( ${POOL_INTERNET_END[$k]##*.} - 1 ))/30" via "$TOPO_WEB"
    ip -n "$ns" addr add "${POOL_PUBLIC[$k]}/30" dev "${p}_w$k"
    ip -n "$ns" link set "${p}_w$k" up
    ip -n "$ns" route add default via "${POOL_INTERNET_END[$k]}"
    in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1

    (umask 077; wg genkey >"$dir/server-$k.key" && wg genkey >"$dir/client-$k.key") || return 1
    POOL_SERVER_PUB[$k]=$(wg pubkey <"$dir/server-$k.key")
    WG_PROCESS_FOREGROUND=1 nsenter --net="/run/netns/$ns" -- wireguard-go -f "${p}_g$k" >"$dir/wg-server-$k.log" 2>&1 &
    pid=$!
    on_exit "kill_pid $pid"
    wait_for 5 test -S "/run/wireguard/${p}_g$k.sock" || { echo "pools: wireguard-go of server $k did not start" >&2; return 1; }
    wg set "${p}_g$k" listen-port "$TOPO_WG_PORT" private-key "$dir/server-$k.key" \
        peer "$(wg pubkey <"$dir/client-$k.key")" allowed-ips "${POOL_TUN_CLIENT[$k]}/32" || return 1
    ip -n "$ns" addr add "${POOL_TUN_SERVER[$k]}/26" dev "${p}_g$k"
    ip -n "$ns" link set "${p}_g$k" up
    in_ns "$ns" nft -f - <<EOF2 || return 1
table inet pool_nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "${p}_w$k" ip saddr 198.51.100.0/24 masquerade
    }
}
EOF2
    _topo_dnsmasq "$ns" "${POOL_TUN_SERVER[$k]}" "${POOL_ANSWER[$k]}" "fd00:203::5$k" "$dir/dns-$k.log"
}

# pool_build DIR: servers 2 and 3 (server 1 is topo_build's), and a client
# config DIR/server-K.conf for each of the three.
pool_build() {
    local dir=$1 k
    POOL_SERVER_PUB=( "" "$TOPO_SERVER_PUB" "" "" )
    cp "$TOPO_CLIENT_KEY" "$dir/client-1.key"
    # The provider's DNS of server 1 is on its tunnel address already.
    for k in 2 3; do pool_server "$k" "$dir" || return 1; done
    for k in 1 2 3; do pool_client_config "$k" "$dir/server-$k.conf" "$dir" || return 1; done
}

# pool_client_config K FILE DIR: the config a provider hands out for server K.
pool_client_config() {
    local k=$1 file=$2 dir=$3
    (umask 077; cat >"$file" <<EOF2
# simulated provider server $k (Tests/lib/pools.sh)
[Interface]
PrivateKey = $(cat "$dir/client-$k.key")
Address = ${POOL_TUN_CLIENT[$k]}/32
DNS = ${POOL_TUN_SERVER[$k]}

[Peer]
PublicKey = ${POOL_SERVER_PUB[$k]}
Endpoint = ${POOL_ENDPOINT[$k]}:$TOPO_WG_PORT
AllowedIPs = 0.0.0.0/0, ::/0
EOF2
    )
}

# pool_kill K / pool_revive K: server K goes silent (every WireGuard
# packet to it dropped where its socket is) / answers again. Only its
# WireGuard port: server 1's namespace is also the host's ISP, which
# carries the way to the other two.
pool_kill() {
    in_ns "$(pool_ns "$1")" nft -f - <<EOF2
table inet pool_dead {
    chain input { type filter hook input priority -300; policy accept; udp dport $TOPO_WG_PORT drop; }
}
EOF2
}
pool_revive() { in_ns "$(pool_ns "$1")" nft delete table inet pool_dead 2>/dev/null; true; }

# pool_server_of ADDRESS: the server number whose public address it is
# (0 when none).
pool_server_of() {
    local k
    for k in 1 2 3; do [ "${POOL_PUBLIC[$k]}" = "$1" ] && { echo "$k"; return; }; done
    echo 0
}

# pool_syslog FILE: what any process of this suite's mount namespace sends
# to syslog(3) goes to FILE, one datagram a line (netns-jail `up` and the
# supervisors it starts log there). The socket is bound over /dev/log in
# this mount namespace only, so the machine's own logger, if it has one,
# is neither needed nor disturbed; where /dev/log does not exist (no
# logger, as in a CI container), a link to the socket stands there for
# the suite's length and is removed at exit if it is still ours.
pool_syslog() {
    local file=$1 sock=$1.sock pid
    : >"$file"
    python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", 0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
' "$sock" "$file" &
    pid=$!
    on_exit "kill_pid $pid"
    wait_for 5 test -S "$sock" || return 1
    if [ -e /dev/log ] || [ -L /dev/log ]; then
        mount --bind "$sock" /dev/log || return 1
    else
        ln -s "$sock" /dev/log || return 1
        on_exit "[ \"\$(readlink /dev/log)\" = '$sock' ] && rm -f /dev/log"
    fi
    logger -t nxe-syslog-check "reaches the suite" 2>/dev/null
    wait_for 5 grep -q "nxe-syslog-check.*reaches the suite" "$file"
}

# The end-to-end topology: a simulated user's computer, a VPN provider and
# an "internet", each a network namespace. Source after testlib.sh (it uses
# on_exit, kill_pid, wait_for and make_netns). Used by Tests/EndToEnd/* and
# demo/demo.sh.
#
#   [jail] ==wg== [hostsim] --uplink-- [vpnsrv] --wan-- [internet]
#                  192.0.2.2    192.0.2.1  203.0.113.1    203.0.113.80
#                  DNS 192.0.2.53 (host)   DNS 198.51.100.1 (VPN)
#
# - hostsim plays the user's computer. Its only link is the uplink to
#   vpnsrv, which also routes hostsim's own traffic to the internet without
#   NAT, so the IP server sees the host as 192.0.2.2.
# - vpnsrv runs the WireGuard peer (wireguard-go, tunnel 198.51.100.0/24 and
#   fd00:5e::/64), masquerades tunnel traffic as 203.0.113.1 / fd00:203::1,
#   and runs the VPN's DNS server.
# - internet runs the what-is-my-IP server (whatismyip.py) on port 80.
# - Every *.test name resolves to $TOPO_VPN_ANSWER at the VPN's DNS and to
#   $TOPO_HOST_ANSWER at the host's, so an answer says who resolved it.
# Only documentation ranges are used, and nothing here touches the real
# root namespace's network.

TOPO_HOST_ADDR=192.0.2.2
TOPO_ISP_ADDR=192.0.2.1
TOPO_HOST_DNS=192.0.2.53
TOPO_VPN_PUBLIC=203.0.113.1
TOPO_VPN_PUBLIC6=fd00:203::1
TOPO_WEB=203.0.113.80
TOPO_WEB6=fd00:203::80
TOPO_TUN_SERVER=198.51.100.1
TOPO_TUN_SERVER6=fd00:5e::1
TOPO_TUN_CLIENT=198.51.100.2
TOPO_TUN_CLIENT6=fd00:5e::2
# WireGuard's usual port, fixed on purpose (take_port is for the servers a
# suite starts): it is the provider's, in vpnsrv, a namespace of the
# suite's own, and it is bound when the topology is built, before anything
# in vpnsrv makes a client socket that could be given it.
TOPO_WG_PORT=51820
TOPO_VPN_ANSWER=203.0.113.53
TOPO_HOST_ANSWER=192.0.2.99

# topo_names PREFIX: names every namespace and interface after PREFIX (at
# most 7 characters, so interface names stay within 15).
topo_names() {
    local p=$1
    TOPO_HOST=${p}_host TOPO_VPN=${p}_vpn TOPO_NET=${p}_net
    TOPO_UPLINK=${p}_up         # hostsim's end of the uplink
    TOPO_UPLINK_ISP=${p}_isp    # vpnsrv's end of the uplink
    TOPO_WAN=${p}_wan           # vpnsrv's end of the link to the internet
    TOPO_WAN_NET=${p}_eth       # the internet's end
    TOPO_SRV_WG=${p}_srv        # the VPN server's WireGuard interface
}

# in_ns NS CMD...: run CMD with NS as its network namespace and everything
# else (mounts above all) as ours. Unlike `ip netns exec` this keeps our
# /run/netns view, so namespaces CMD creates are visible to us.
# Background daemons call nsenter directly instead: `in_ns ... &` forks a
# subshell, and $! would then be the subshell, not the daemon to kill.
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

# topo_sandbox DIR: make our mount namespace (which must already be
# private; see topo_reexec_private) see a throw-away layer over /etc, and
# private /run/nscd and /run/wireguard. Whatever the test writes to /etc
# (test users, the policy, /etc/netns/*, a replaced resolv.conf) then lives
# in DIR and vanishes with us; the real /etc is never written.
topo_sandbox() {
    local d=$1
    mount -t tmpfs -o mode=0755,size=64m topo "$d" || return 1
    install -d -m 0755 -o root -g root "$d/upper" "$d/work" || return 1
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc || return 1
    install -d -m 0755 /run/nscd /run/wireguard
    mount -t tmpfs -o mode=0755,size=1m nscd /run/nscd || return 1
    mount -t tmpfs -o mode=0755,size=1m wireguard /run/wireguard || return 1
}

# topo_reexec_private SCRIPT ARGS...: unless already done, run SCRIPT again
# in a new private mount namespace (for topo_sandbox), and exit with its
# status. INT, TERM and HUP are passed on, so the inner run cleans up when a
# runner's timeout stops us. The mount point is removed afterwards, from
# outside, where it is no longer busy.
topo_reexec_private() {
    [ "${TOPO_PRIVATE:-}" = 1 ] && return 0
    local d rc inner
    d=$(mktemp -d /var/tmp/netns-exec-topo.XXXXXX) || exit 1
    # unshare execs bash without forking, so $! is the inner script itself.
    TOPO_PRIVATE=1 TOPO_SANDBOX_DIR=$d unshare --mount --propagation private -- bash "$@" &
    inner=$!
    trap 'kill -TERM $inner 2>/dev/null' INT TERM HUP
    wait "$inner"; rc=$?
    # A signal interrupts wait; wait again (bounded by the inner run's own
    # cleanup) for the real status.
    while kill -0 "$inner" 2>/dev/null; do wait "$inner"; rc=$?; done
    rmdir "$d" 2>/dev/null
    exit $rc
}

# Functions that write /etc call this first, so they can never touch the
# real /etc by mistake.
_topo_require_sandbox() {
    [ "${TOPO_PRIVATE:-}" = 1 ] && findmnt -n -t overlay /etc >/dev/null && return 0
    echo "topology: /etc is not sandboxed (topo_reexec_private, topo_sandbox); refusing to write it" >&2
    return 1
}

_topo_sysctls() {
    local ns=$1
    in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
}

# topo_links: the three namespaces, their links, addresses and routes.
topo_links() {
    local ns
    for ns in "$TOPO_HOST" "$TOPO_VPN" "$TOPO_NET"; do
        make_netns "$ns" || return 1
        _topo_sysctls "$ns"
        ip -n "$ns" link set lo up
    done
    ip link add "$TOPO_UPLINK" netns "$TOPO_HOST" type veth peer name "$TOPO_UPLINK_ISP" netns "$TOPO_VPN" || return 1
    ip link add "$TOPO_WAN" netns "$TOPO_VPN" type veth peer name "$TOPO_WAN_NET" netns "$TOPO_NET" || return 1

    ip -n "$TOPO_HOST" addr add "$TOPO_HOST_ADDR/24" dev "$TOPO_UPLINK"
    ip -n "$TOPO_HOST" addr add "$TOPO_HOST_DNS/32" dev lo
    ip -n "$TOPO_HOST" link set "$TOPO_UPLINK" up
    ip -n "$TOPO_HOST" route add default via "$TOPO_ISP_ADDR"

    ip -n "$TOPO_VPN" addr add "$TOPO_ISP_ADDR/24" dev "$TOPO_UPLINK_ISP"
    ip -n "$TOPO_VPN" addr add "$TOPO_VPN_PUBLIC/24" dev "$TOPO_WAN"
    ip -n "$TOPO_VPN" addr add "$TOPO_VPN_PUBLIC6/64" dev "$TOPO_WAN" nodad
    ip -n "$TOPO_VPN" link set "$TOPO_UPLINK_ISP" up
    ip -n "$TOPO_VPN" link set "$TOPO_WAN" up
    in_ns "$TOPO_VPN" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

    ip -n "$TOPO_NET" addr add "$TOPO_WEB/24" dev "$TOPO_WAN_NET"
    ip -n "$TOPO_NET" addr add "$TOPO_WEB6/64" dev "$TOPO_WAN_NET" nodad
    ip -n "$TOPO_NET" link set "$TOPO_WAN_NET" up
    # The host's own traffic comes back through its ISP, unmasqueraded.
    ip -n "$TOPO_NET" route add 192.0.2.0/24 via "$TOPO_VPN_PUBLIC"
}

# topo_vpn_server DIR: keys, the wireguard-go peer and NAT in vpnsrv.
# Sets TOPO_SERVER_PUB and TOPO_CLIENT_KEY (a file holding the client's
# private key); the client's public key is already the server's peer.
topo_vpn_server() {
    local dir=$1 pid
    (umask 077; wg genkey >"$dir/server.key" && wg genkey >"$dir/client.key") || return 1
    TOPO_SERVER_PUB=$(wg pubkey <"$dir/server.key")
    TOPO_CLIENT_KEY=$dir/client.key
    TOPO_CLIENT_PUB=$(wg pubkey <"$dir/client.key")

    WG_PROCESS_FOREGROUND=1 nsenter --net="/run/netns/$TOPO_VPN" -- wireguard-go -f "$TOPO_SRV_WG" >"$dir/wg-server.log" 2>&1 &
    pid=$!
    on_exit "kill_pid $pid"
    wait_for 5 test -S "/run/wireguard/$TOPO_SRV_WG.sock" || { echo "topology: wireguard-go did not start" >&2; return 1; }
    wg set "$TOPO_SRV_WG" listen-port "$TOPO_WG_PORT" private-key "$dir/server.key" \
        peer "$TOPO_CLIENT_PUB" allowed-ips "$TOPO_TUN_CLIENT/32,$TOPO_TUN_CLIENT6/128" || return 1
    ip -n "$TOPO_VPN" addr add "$TOPO_TUN_SERVER/24" dev "$TOPO_SRV_WG"
    ip -n "$TOPO_VPN" addr add "$TOPO_TUN_SERVER6/64" dev "$TOPO_SRV_WG" nodad
    ip -n "$TOPO_VPN" link set "$TOPO_SRV_WG" up

    # Tunnel traffic leaves as the provider's public address; the host's
    # own traffic is routed as it is.
    in_ns "$TOPO_VPN" nft -f - <<EOF || return 1
table inet topo_nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "$TOPO_WAN" ip saddr 198.51.100.0/24 masquerade
        oifname "$TOPO_WAN" ip6 saddr fd00:5e::/64 masquerade
    }
}
EOF
}

# _topo_dnsmasq NS ADDRS ANSWER ANSWER6 LOG: a DNS server in NS, listening on
# ADDRS (comma list), answering every *.test name, logging every query.
_topo_dnsmasq() {
    local ns=$1 addrs=$2 answer=$3 answer6=$4 log=$5 pid
    nsenter --net="/run/netns/$ns" -- dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --bind-interfaces --listen-address="$addrs" --user=root --pid-file= \
        --address="/test/$answer" --address="/test/$answer6" \
        --log-queries --log-facility="$log" >>"$log.stderr" 2>&1 &
    pid=$!
    on_exit "kill_pid $pid"
    # Ready when it answers; nslookup is not installed, so ask dnsmasq via
    # its own log: a started server writes "started" first.
    wait_for 5 grep -q started "$log" || { echo "topology: dnsmasq in $ns did not start" >&2; return 1; }
}

# topo_services DIR: the IP server in internet and the two DNS servers.
topo_services() {
    local dir=$1 pid py
    py=$(command -v /usr/bin/python3 || command -v python3)
    : >"$dir/web.log"
    # Port 80, fixed: a well-known port, below every ephemeral range, in the
    # internet namespace, which is the suite's own.
    nsenter --net="/run/netns/$TOPO_NET" -- "$py" "$REPO_ROOT/Tests/lib/whatismyip.py" 80 "$dir/web.log" 2>"$dir/web.stderr" &
    pid=$!
    on_exit "kill_pid $pid"
    wait_for 5 in_ns "$TOPO_NET" curl -sf -m 1 "http://$TOPO_WEB/ready" || { echo "topology: IP server did not start" >&2; return 1; }

    _topo_dnsmasq "$TOPO_VPN" "$TOPO_TUN_SERVER,$TOPO_TUN_SERVER6" "$TOPO_VPN_ANSWER" fd00:203::53 "$dir/vpn-dns.log" || return 1
    _topo_dnsmasq "$TOPO_HOST" "$TOPO_HOST_DNS" "$TOPO_HOST_ANSWER" fd00:192::99 "$dir/host-dns.log" || return 1
}

# topo_host_resolver DIR: the simulated host resolves through its own DNS
# server, and through nscd, which answers over /run/nscd/socket from
# hostsim's network namespace. Needs topo_sandbox (it writes /etc). Sets
# TOPO_NSCD_PID; calling it again starts another nscd.
topo_host_resolver() {
    local dir=$1 pid
    _topo_require_sandbox || return 1
    printf 'nameserver %s\n' "$TOPO_HOST_DNS" >/etc/resolv.conf
    cat >"$dir/nscd.conf" <<EOF
	enable-cache	hosts	yes
	persistent	hosts	no
	shared	hosts	no
	positive-time-to-live	hosts	600
	enable-cache	passwd	no
	enable-cache	group	no
	enable-cache	services	no
	enable-cache	netgroup	no
EOF
    nsenter --net="/run/netns/$TOPO_HOST" -- nscd -F -f "$dir/nscd.conf" >>"$dir/nscd.log" 2>&1 &
    pid=$!
    TOPO_NSCD_PID=$pid
    on_exit "kill_pid $pid"
    wait_for 5 test -S /run/nscd/socket || { echo "topology: nscd did not start" >&2; return 1; }
}

# topo_client_config FILE HOOKFILE: the WireGuard client config a provider
# would hand out, in wg-quick syntax, with the wg-quick-only keys that
# netns-jail must strip and must not run (PostUp would create HOOKFILE).
topo_client_config() {
    local file=$1 hookfile=$2
    (umask 077; cat >"$file" <<EOF
# simulated provider config (test topology)
[Interface]
PrivateKey = $(cat "$TOPO_CLIENT_KEY")
Address = $TOPO_TUN_CLIENT/32
Address = $TOPO_TUN_CLIENT6/128
DNS = $TOPO_TUN_SERVER, $TOPO_TUN_SERVER6
DNS = vpn.test
MTU = 1380
Table = off
PostUp = touch $hookfile

[Peer]
PublicKey = $TOPO_SERVER_PUB
Endpoint = $TOPO_ISP_ADDR:$TOPO_WG_PORT
AllowedIPs = 0.0.0.0/0, ::/0
PersistentKeepalive = 0
EOF
    )
}

# --- the provider's NAT-PMP server (port forwarding) ---------------------------
# Debian's miniupnpd (nftables backend) with NAT-PMP only, listening on the
# provider's tunnel side, its external interface the link to the internet,
# so a port it maps is forwarded from $TOPO_VPN_PUBLIC to the jail's tunnel
# address. It stays in the provider's namespace: its own config file, and
# the nftables tables it fills (natpmp_filter, natpmp_nat) made there.

# miniupnpd calls every documentation range reserved and refuses to map
# when the first address of its external interface is one, so that
# interface gets this /32 first. It is only a local address in an isolated
# namespace: nothing is ever sent to it (peers connect to $TOPO_VPN_PUBLIC),
# and NAT-PMP reports it as the gateway's public address.
TOPO_NATPMP_EXT=203.0.114.1

# topo_natpmp_prepare: the address and the tables above. Needs our own
# mount namespace (topo_reexec_private): miniupnpd logs with LOG_CONS, and
# with no syslog socket each line went to /dev/console, which took
# milliseconds; here the console is /dev/null.
topo_natpmp_prepare() {
    mount --bind /dev/null /dev/console || return 1
    ip -n "$TOPO_VPN" addr del "$TOPO_VPN_PUBLIC/24" dev "$TOPO_WAN" || return 1
    ip -n "$TOPO_VPN" addr add "$TOPO_NATPMP_EXT/32" dev "$TOPO_WAN" || return 1
    ip -n "$TOPO_VPN" addr add "$TOPO_VPN_PUBLIC/24" dev "$TOPO_WAN" || return 1
    in_ns "$TOPO_VPN" nft -f - <<'EOF'
table inet natpmp_filter {
    chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
    chain miniupnpd { }
}
table inet natpmp_nat {
    chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
    chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
    chain prerouting_miniupnpd { }
    chain postrouting_miniupnpd { }
}
EOF
}

# topo_natpmp_start DIR FIRST [LISTEN]: miniupnpd mapping external ports
# FIRST to FIRST+9 for the tunnel's clients (its log: DIR/miniupnpd.log),
# answering on LISTEN (an interface or address of vpnsrv; default the
# WireGuard server's interface). Sets TOPO_NATPMP_PID; it is stopped at exit.
topo_natpmp_start() {
    local dir=$1 first=$2 listen=${3:-$TOPO_SRV_WG} before
    cat >"$dir/miniupnpd.conf" <<EOF
ext_ifname=$TOPO_WAN
listening_ip=$listen
enable_upnp=no
enable_natpmp=yes
secure_mode=no
system_uptime=no
upnp_table_name=natpmp_filter
upnp_nat_table_name=natpmp_nat
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
uuid=00000000-0000-4000-8000-00000000e2b0
allow $first-$((first + 9)) 198.51.100.0/24 1-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
    : >>"$dir/miniupnpd.log"
    before=$(grep -c "Listening for NAT-PMP" "$dir/miniupnpd.log")
    nsenter --net="/run/netns/$TOPO_VPN" -- miniupnpd -d -f "$dir/miniupnpd.conf" -P "$dir/miniupnpd.pid" \
        >>"$dir/miniupnpd.log" 2>&1 &
    TOPO_NATPMP_PID=$!
    on_exit "kill -CONT $TOPO_NATPMP_PID; kill_pid $TOPO_NATPMP_PID"
    wait_for 5 sh -c '[ "$(grep -c "Listening for NAT-PMP" "$1")" -gt "$2" ]' sh "$dir/miniupnpd.log" "$before"
}

# topo_natpmp_stop DIR: stops it and waits until it is gone.
topo_natpmp_stop() {
    kill -CONT "$TOPO_NATPMP_PID" 2>/dev/null
    kill_pid "$TOPO_NATPMP_PID"
    wait "$TOPO_NATPMP_PID" 2>/dev/null
    rm -f "$1/miniupnpd.pid"
}

# topo_natpmp_mappings: miniupnpd's forwarding rules, as nft lists them.
topo_natpmp_mappings() { in_ns "$TOPO_VPN" nft list chain inet natpmp_nat prerouting_miniupnpd 2>&1; }

# topo_build DIR: everything above, in order.
topo_build() {
    local dir=$1
    topo_links || return 1
    topo_vpn_server "$dir" || return 1
    topo_services "$dir" || return 1
}

# --- the jail under test ------------------------------------------------------
# netns-jail and netns-exec run in hostsim's network namespace and in our
# mount namespace (nsenter --net), so the jail's /run/netns entry is ours.
TOPO_JAIL_BIN=${NETNS_JAIL_BIN:-$REPO_ROOT/.build/release/netns-jail}

# topo_jail_config NAME IFACE WGCONF: (re)write $TOPO_JAIL_CONF with one
# [NAME] section per call (appended), root-owned 0600 like the real one.
topo_jail_config() {
    (umask 077; printf '[%s]\nwireguard = %s\ninterface = %s\n\n' "$1" "$3" "$2" >>"$TOPO_JAIL_CONF")
}

# topo_record_pid FILE: the PID in one of netns-jail's process records
# (`PID start=TICKS`, ProcessRecord), empty when there is none.
topo_record_pid() { sed -n '1s/^\([0-9]*\).*/\1/p' "$1" 2>/dev/null; }

# jail_cmd ARGS...: netns-jail --config $TOPO_JAIL_CONF ARGS, run in hostsim.
jail_cmd() { in_ns "$TOPO_HOST" "$TOPO_JAIL_BIN" --config "$TOPO_JAIL_CONF" "$@"; }

# topo_jail_sweep NAME IFACE: removes whatever a jail left, whether or not
# netns-jail got it right (cleanup only; the tests check netns-jail did).
# wireguard-go is killed by the PID netns-jail recorded, and only if that
# PID still runs wireguard-go.
topo_jail_sweep() {
    local name=$1 ifc=$2 pid
    pid=$(topo_record_pid "/run/netns-jail/$name.pid")
    jail_cmd down "$name" --kill --wait 10 >/dev/null 2>&1
    topo_stop_supervisor "$name"
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "wireguard-go $ifc"; then
        kill_pid "$pid"
    fi
    rm -f "/run/netns-jail/$name.pid" "/run/netns-jail/$name.wireguard-go.log" "/run/netns-jail/$name.lock"
    ip netns del "$name" 2>/dev/null
    ip -n "$TOPO_HOST" link del "$ifc" 2>/dev/null
    rm -rf "/etc/netns/$name" "/run/netns-jail/$name"
}

# topo_jail_prepare [--no-resolver] NAME IFACE: the start most end-to-end
# suites share: the topology (topo_build), the host's nscd unless
# --no-resolver (topo_host_resolver), a client WireGuard config
# $TOPO_DIR/IFACE.conf whose wg-quick hook would create $TOPO_DIR/hook-ran,
# and the jail's section in $TOPO_JAIL_CONF. The suite ends, failed
# (topo_suite_end, with the topology's logs), when any of it cannot be made. The suite then runs `topo_jail_up NAME IFACE`
# itself (what up does is what it checks).
topo_jail_prepare() {
    local resolver=1
    [ "$1" = --no-resolver ] && { resolver=""; shift; }
    local name=$1 ifc=$2
    topo_build "$TOPO_DIR" || { fail "topology could not be built"; topo_suite_end; }
    if [ -n "$resolver" ]; then
        topo_host_resolver "$TOPO_DIR" || { fail "host resolver (nscd) could not be started"; topo_suite_end; }
    fi
    topo_client_config "$TOPO_DIR/$ifc.conf" "$TOPO_DIR/hook-ran"
    topo_jail_config "$name" "$ifc" "$TOPO_DIR/$ifc.conf"
}

# topo_jail_user USER POLICY: the test user USER, the test build of the
# launcher installed with its capability (its path in TOPO_LAUNCHER) and
# POLICY as its policy. The suite ends, failed, when any cannot be made.
topo_jail_user() {
    make_test_user "$1" || { fail "test user"; topo_suite_end; }
    TOPO_LAUNCHER=$(install_launcher "$TOPO_DIR/prefix") || { fail "install_launcher"; topo_suite_end; }
    write_test_policy "$2"
}

# topo_stop_supervisor NAME: the jail's supervisor (netns-jail supervise
# NAME), by the PID netns-jail recorded and only if that PID still runs it.
topo_stop_supervisor() {
    local name=$1 pid
    pid=$(topo_record_pid "/run/netns-jail/$name.supervisor.pid")
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "netns-jail supervise .* $name \?$"; then
        kill_pid "$pid"
    fi
    rm -f "/run/netns-jail/$name.supervisor.pid"
}

# topo_jail_up NAME IFACE [ARGS...]: `netns-jail up NAME ARGS`, with the
# sweep registered first so a half-built jail is removed at exit. Call it
# directly, not in $(...): a subshell's on_exit would be lost.
topo_jail_up() {
    local name=$1 ifc=$2; shift 2
    on_exit "topo_jail_sweep $name $ifc"
    jail_cmd up "$name" "$@"
}

# topo_sweep_stale GLOB...: what a killed earlier run left on the real /run
# for the jails and namespaces matching GLOB (namespace files, netns-jail's
# wireguard-go records). A namespace that is live in our view is not ours
# (ours died with the earlier run's mount namespace) and is left alone.
topo_sweep_stale() {
    local glob f pid
    for glob in "$@"; do
        for f in /run/netns/$glob; do
            [ -e "$f" ] || continue
            [ "$(stat -f -c %T "$f")" = nsfs ] && continue
            for pid in $(topo_record_pid "/run/netns-jail/${f##*/}.pid"); do
                tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "^[^ ]*wireguard-go " && kill_pid "$pid"
            done
            rm -f "/run/netns-jail/${f##*/}.pid" "/run/netns-jail/${f##*/}.wireguard-go.log"
            topo_stop_supervisor "${f##*/}"
            ip netns del "${f##*/}" 2>/dev/null
        done
    done
}

# host_run USER CMD...: CMD in hostsim as USER, no capabilities (AS_USER).
host_run() {
    local user=$1; shift
    in_ns "$TOPO_HOST" "$AS_USER" "$user" "$@"
}

# host_run_bg PIDVAR OUTFILE USER CMD...: host_run in the background, stdout
# and stderr to OUTFILE; PIDVAR gets the PID of CMD itself (nsenter and
# AS_USER exec it), which is killed at exit.
host_run_bg() {
    local var=$1 out=$2 user=$3 pid; shift 3
    nsenter --net="/run/netns/$TOPO_HOST" -- "$AS_USER" "$user" "$@" >"$out" 2>&1 &
    pid=$!
    on_exit "kill_pid $pid"
    printf -v "$var" '%s' "$pid"
}

# topo_suite_end: suite_end, after showing the topology's logs (servers,
# clients, netns-jail output) when a check failed.
topo_suite_end() {
    local f
    if [ "$TEST_FAILED" -ne 0 ]; then
        for f in "$TOPO_DIR"/*.log "$TOPO_DIR"/*.out "$TOPO_DIR"/*/*.log "$TOPO_DIR"/*/*.out; do
            [ -s "$f" ] || continue
            echo "  --- ${f#"$TOPO_DIR"/} (last 15 lines)"
            tail -n 15 "$f" | sed 's/^/      /'
        done
    fi
    suite_end
}

# topo_suite_begin NAME PREFIX SCRIPT ARGS...: the common start of an
# end-to-end suite: root check, private mount namespace with a sandboxed
# /etc, tools, scratch directory ($TOPO_DIR) and names (topo_names PREFIX).
topo_suite_begin() {
    local name=$1 prefix=$2; shift 2
    if [ "$(id -u)" -ne 0 ]; then suite_begin "$name"; require_root; fi
    topo_reexec_private "$@"
    suite_begin "$name"
    require_cmd wireguard-go wg nft dnsmasq curl nscd tcpdump setcap setpriv nsenter unshare getent python3
    [ -x "$TOPO_JAIL_BIN" ] || { skip "$TOPO_JAIL_BIN missing (make build)"; suite_end; }
    topo_sandbox "$TOPO_SANDBOX_DIR" || { fail "could not sandbox /etc"; suite_end; }
    make_scratch_dir TOPO_DIR || { fail "no scratch directory"; suite_end; }
    TOPO_JAIL_CONF=$TOPO_DIR/netns-jail.conf
    topo_names "$prefix"
    topo_sweep_stale "${prefix}_*"
}

# Ports for the servers a suite starts (sourced by testlib.sh).
#
# take_port VAR NS...: a port number in VAR, for a server that will listen
# in each network namespace NS (a name in /run/netns, or "-" for the
# suite's own namespace). The port is
#  - below the ephemeral range (net.ipv4.ip_local_port_range) of every NS,
#    so no client socket the kernel gives a port to (a burst of
#    connections, a resolver's query, a WireGuard socket) can hold it
#    before the server binds: a port picked inside that range can be taken
#    by the suite's own clients, as EndToEnd/60's once was;
#  - free in every NS that exists now (ss, TCP and UDP, any state);
#  - never handed out twice in one suite run.
# The range is read in each namespace, because every network namespace has
# its own: a new one starts at the kernel's default, whatever the host's
# sysctl says. A namespace that does not exist yet (the jail `up` will
# build) is read from a fresh throwaway namespace, which is what it will
# get. All namespaces a suite uses are its own, and suites run one at a
# time (the suite lock), so a port free now stays free for the server.
# take_ports VAR COUNT NS...: the first of COUNT consecutive such ports.
TEST_PORT_FLOOR=20000
_TEST_PORTS_GIVEN=" "

_port_range_start() {
    local range
    if [ "$1" = - ]; then
        range=$(cat /proc/sys/net/ipv4/ip_local_port_range)
    elif [ -e "/run/netns/$1" ]; then
        range=$(nsenter --net="/run/netns/$1" cat /proc/sys/net/ipv4/ip_local_port_range)
    else
        range=$(unshare --net cat /proc/sys/net/ipv4/ip_local_port_range)
    fi
    set -- $range
    case ${1:-} in ''|*[!0-9]*) return 1 ;; esac
    echo "$1"
}

_port_in_use() { # PORT NS...
    local port=$1 ns; shift
    for ns in "$@"; do
        if [ "$ns" = - ]; then
            [ -z "$(ss -Htuan "sport = :$port")" ] || return 0
        elif [ -e "/run/netns/$ns" ]; then
            [ -z "$(nsenter --net="/run/netns/$ns" ss -Htuan "sport = :$port")" ] || return 0
        fi
    done
    return 1
}

take_ports() {
    local var=$1 count=$2 ns start limit=65536 p i ok; shift 2
    [ $# -gt 0 ] || set -- -
    for ns in "$@"; do
        start=$(_port_range_start "$ns") || { echo "take_ports: cannot read the port range of namespace $ns" >&2; return 1; }
        [ "$start" -lt "$limit" ] && limit=$start
    done
    for ((p = TEST_PORT_FLOOR; p + count <= limit; p++)); do
        ok=1
        for ((i = p; i < p + count; i++)); do
            case $_TEST_PORTS_GIVEN in *" $i "*) ok=; break ;; esac
            _port_in_use "$i" "$@" && { ok=; break; }
        done
        [ -n "$ok" ] || continue
        for ((i = p; i < p + count; i++)); do _TEST_PORTS_GIVEN+="$i "; done
        printf -v "$var" '%s' "$p"
        return 0
    done
    echo "take_ports: no $count free ports between $TEST_PORT_FLOOR and the ephemeral range at $limit" >&2
    return 1
}

take_port() { local var=$1; shift; take_ports "$var" 1 "$@"; }

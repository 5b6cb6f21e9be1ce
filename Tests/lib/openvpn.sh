# The simulated provider's OpenVPN server, for the OpenVPN jail suites.
# Source after topology.sh; call after topo_build. Keys and certificates
# are made here, at test time, with openssl, in the suite's scratch
# directory; none is ever committed.
#
# The server runs in vpnsrv on the uplink address, over UDP and TCP (two
# instances), with tls-crypt, a client certificate and a user name and
# password (checked by a server-side script: test infrastructure, the
# provider's side). It pushes an address from 198.51.100.128/26 and
# fd00:5e::100/120 (inside the ranges vpnsrv masquerades, more specific
# than the WireGuard server's) and the VPN's DNS server.

TOPO_OVPN_UDP_PORT=1194    # the provider's, in vpnsrv (a namespace of the suite's own)
TOPO_OVPN_TCP_PORT=443
TOPO_OVPN_USER=p0123456
TOPO_OVPN_PASS='s3cret pass'
# The provider's server program: the host's openvpn unless the caller names
# another (Packaging/60 runs the jail's client as OpenVPN 2.5 against the
# host's 2.6 server).
OVPN_SERVER_BIN=${NXE_OPENVPN_SERVER:-openvpn}

# ovpn_pki DIR: a CA, a server and a client certificate (EC P-256), and a
# tls-crypt key, under DIR/pki.
ovpn_pki() {
    local d=$1/pki
    install -d -m 0700 "$d" || return 1
    (
        cd "$d" || exit 1
        umask 077
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj "/CN=Test Provider CA" -keyout ca.key -out ca.crt 2>/dev/null || exit 1
        for who in server client; do
            eku=clientAuth; [ $who = server ] && eku=serverAuth
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
                -subj "/CN=test-$who" -keyout $who.key -out $who.csr 2>/dev/null || exit 1
            printf 'extendedKeyUsage=%s\nkeyUsage=digitalSignature,keyAgreement\nbasicConstraints=CA:FALSE\n' $eku >$who.ext
            openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile $who.ext -out $who.crt 2>/dev/null || exit 1
        done
        "$OVPN_SERVER_BIN" --genkey tls-crypt tc.key >/dev/null || exit 1
    )
}

# ovpn_server DIR PROTO PORT [bare]: one server instance in vpnsrv; its PID
# in TOPO_OVPN_PID_udp or _tcp. DIR/ovpn-PROTO.log is its log. `bare`: it
# pushes no IPv6 and no DNS server.
ovpn_server() {
    local dir=$1 proto=$2 port=$3 bare=${4:-} pid
    # Each instance its own address pool, so both can run at once.
    local net="198.51.100.128 255.255.255.224" net6="fd00:5e::100/124"
    [ "$proto" = tcp ] && { net="198.51.100.160 255.255.255.224"; net6="fd00:5e::200/124"; }
    local extra="server-ipv6 $net6
push \"dhcp-option DNS $TOPO_TUN_SERVER\"
push \"dhcp-option DNS6 $TOPO_TUN_SERVER6\"
push \"dhcp-option DOMAIN vpn.test\""
    [ "$bare" = bare ] && extra=""
    cat >"$dir/pki/check-user.sh" <<EOF
#!/bin/sh
# The provider's password check (server side, test infrastructure).
[ "\$(sed -n 1p "\$1")" = "$TOPO_OVPN_USER" ] && [ "\$(sed -n 2p "\$1")" = "$TOPO_OVPN_PASS" ]
EOF
    chmod 0755 "$dir/pki/check-user.sh"
    cat >"$dir/ovpn-server-$proto.conf" <<EOF
mode server
tls-server
proto $([ "$proto" = tcp ] && echo tcp-server || echo udp)
local $TOPO_ISP_ADDR
port $port
dev ovs$proto
dev-type tun
topology subnet
server $net
$extra
push "redirect-gateway def1 ipv6"
ca $dir/pki/ca.crt
cert $dir/pki/server.crt
key $dir/pki/server.key
dh none
tls-crypt $dir/pki/tc.key
script-security 2
auth-user-pass-verify $dir/pki/check-user.sh via-file
tmp-dir $dir/pki
keepalive 2 10
disable-dco
verb 3
EOF
    nsenter --net="/run/netns/$TOPO_VPN" -- "$OVPN_SERVER_BIN" --config "$dir/ovpn-server-$proto.conf" >"$dir/ovpn-$proto.log" 2>&1 &
    pid=$!
    on_exit "kill_pid $pid"
    printf -v "TOPO_OVPN_PID_$proto" '%s' "$pid"
    wait_for 10 grep -q "Initialization Sequence Completed" "$dir/ovpn-$proto.log" || {
        echo "topology: the OpenVPN server ($proto) did not start" >&2; return 1; }
}

# ovpn_client_config FILE CANARY PROTO: the .ovpn a provider hands out,
# with inline material, two remotes for PROTO (udp: the UDP server; tcp:
# the TCP server), remote-random, the update-resolv-conf hook lines and
# others that would run CANARY (a script that records each run) or write
# FILE.written-*, all of which netns-jail must ignore.
ovpn_client_config() {
    local file=$1 canary=$2 proto=$3 dir=${1%/*} port=$TOPO_OVPN_UDP_PORT
    [ "$proto" = tcp ] && port=$TOPO_OVPN_TCP_PORT
    printf '#!/bin/sh\necho "$0 $*" >>%s.ran\n' "$canary" >"$canary"
    chmod 0755 "$canary"
    (umask 077; {
        printf '# simulated provider config (test topology)\r\nclient\r\ndev tun\n'
        printf 'proto %s\nremote %s %s\nremote %s %s %s\n' "$proto" "$TOPO_ISP_ADDR" "$port" "$TOPO_ISP_ADDR" "$port" "$proto"
        printf 'remote-random\nresolv-retry infinite\nnobind\npersist-key\npersist-tun\n'
        printf 'remote-cert-tls server\nverify-x509-name test-server name\ncipher AES-256-GCM\n'
        printf 'script-security 2\nup /etc/openvpn/update-resolv-conf\ndown /etc/openvpn/update-resolv-conf\n'
        printf 'route-up %s\ntls-verify %s\nipchange %s\nlearn-address %s\n' "$canary" "$canary" "$canary" "$canary"
        printf 'plugin %s\nlog %s.written-log\nstatus %s.written-status\nwritepid %s.written-pid\n' "$canary" "$file" "$file" "$file"
        printf 'management %s.written-sock unix\ncd /\ndaemon\nsetenv PATH /tmp\nauth-user-pass\nverb 3\n' "$file"
        printf '<ca>\n'; cat "$dir/pki/ca.crt"; printf '</ca>\n'
        printf '<cert>\n'; cat "$dir/pki/client.crt"; printf '</cert>\n'
        printf '<key>\n'; cat "$dir/pki/client.key"; printf '</key>\n'
        printf '<tls-crypt>\n'; cat "$dir/pki/tc.key"; printf '</tls-crypt>\n'
    } >"$file")
}

# ovpn_auth_file FILE: the credentials, root's and 0600.
ovpn_auth_file() {
    (umask 077; printf '%s\n%s\n' "$TOPO_OVPN_USER" "$TOPO_OVPN_PASS" >"$1")
}

# ovpn_count NAME: the processes running (or about to exec) openvpn with
# NAME's file, found by scanning /proc, whatever netns-jail recorded. The
# path is handed in the environment, so the scan never counts itself.
ovpn_count() {
    OVPN_CONF="/run/netns-jail/$1.openvpn.conf" python3 -c '
import os
want = os.environ["OVPN_CONF"].encode()
n = 0
for p in os.listdir("/proc"):
    if not p.isdigit(): continue
    try: argv = open("/proc/%s/cmdline" % p, "rb").read().split(b"\0")
    except OSError: continue
    if want in argv and b"--config" in argv and any(a.rsplit(b"/", 1)[-1] == b"openvpn" for a in argv): n += 1
print(n)'
}

#!/bin/bash
# OpenVPN 2.5: Slackware 15.0 ships OpenVPN 2.5, not the 2.6 this machine
# has, and 2.5 refuses two things a 2.6 takes: an option it does not know
# (disable-dco) and a password inline in the config (<auth-user-pass>).
# netns-jail writes OpenVPN's file for both (OpenVPNClientFile).
#
# 1. Debian 11's OpenVPN 2.5.1 with its own libraries and Debian 11's glibc
#    (Tests/Packaging/lib/old-glibc.bash; apt-get download into
#    /var/cache/netns-exec-glibc, nothing installed).
# 2. Controls: 2.5 refuses both forms, in a network namespace of its own
#    with nothing but lo (it never sends a packet anywhere).
# 3. The OpenVPN jail suite (Tests/EndToEnd/70) with 2.5 as the jail's
#    client: in a private mount namespace the copy is bind-mounted over
#    /usr/sbin/openvpn, where netns-jail finds it; the provider's server
#    stays the host's 2.6 (NXE_OPENVPN_SERVER), as a provider's would be.
. "$(dirname "$0")/../lib/testlib.sh"
. "$(dirname "$0")/lib/old-glibc.bash"
suite_begin "packaging: OpenVPN jails with OpenVPN 2.5 (Slackware 15.0's)"
require_root
require_cmd unshare mount apt-get dpkg-deb openvpn
if [ "$(uname -m)" != x86_64 ]; then skip "the Debian 11 copies are x86_64 only"; suite_end; fi
[ -x "$REPO_ROOT/.build/release/netns-jail" ] || { skip "netns-jail missing (make build)"; suite_end; }
HOST_OPENVPN=$(command -v openvpn)
make_scratch_dir S

# --- 1. OpenVPN 2.5 --------------------------------------------------------
if ! old_glibc_fetch /var/cache/netns-exec-glibc || ! old_openvpn_fetch /var/cache/netns-exec-glibc; then
    fail "fetching Debian 11's OpenVPN 2.5 (apt-get download); see the message above"
    suite_end
fi
check_contains "the copy is OpenVPN 2.5" "OpenVPN 2.5." "$("$OLD_OPENVPN" --version 2>&1 | head -n 1)"
check_contains "the host's is 2.6 or later (the server, and the other suites' client)" "OpenVPN 2." \
    "$("$HOST_OPENVPN" --version 2>&1 | head -n 1)"
check_eq "2.5 is not installed on the host" "" \
    "$(dpkg-query -W -f='${Version}\n' openvpn 2>/dev/null | grep '^2\.5' || true)"

# --- 2. controls: what 2.5 refuses -------------------------------------------
# tries CONFIG: 2.5's first words on CONFIG, in a namespace holding only lo.
tries() { printf '%s' "$1" >"$S/try.conf"; timeout 5 unshare --net "$OLD_OPENVPN" --config "$S/try.conf" 2>&1 | head -n 3; }
base=$'client\ndev tun\nremote 192.0.2.1 1194\n'
# (An ignored unknown option is a warning line; a refused one an "Options error".)
check_contains "control: 2.5 refuses disable-dco alone" "Options error: Unrecognized option" "$(tries "${base}disable-dco"$'\n')"
check_not_contains "with ignore-unknown-option first, 2.5 passes over it" "Options error: Unrecognized option" \
    "$(tries "${base}ignore-unknown-option disable-dco"$'\n'"disable-dco"$'\n')"
check_contains "control: 2.5 refuses an inline password" "not expected to be inline" \
    "$(tries "${base}<auth-user-pass>"$'\n'"u"$'\n'"p"$'\n'"</auth-user-pass>"$'\n')"

# --- 3. the OpenVPN jail suite with 2.5 as the jail's client ----------------
log=$S/70.log
start=$SECONDS
# This suite holds the machine's suite lock; the suite it runs must not wait
# for it. NETNS_TEST_RESULTS is cleared: the nested suite reports here.
(cd "$REPO_ROOT" && timeout 600 env -u NETNS_TEST_RESULTS NXE_SUITE_LOCK=off NXE_OPENVPN_SERVER="$S/openvpn-server" \
    unshare --mount --propagation private -- bash -c '
        install -m 0755 "$1" "$2" && mount --bind "$3" "$1" || exit 99
        "$1" --version | head -n 1
        exec bash Tests/EndToEnd/70-openvpn.sh' with_openvpn_2_5 "$HOST_OPENVPN" "$S/openvpn-server" "$OLD_OPENVPN") >"$log" 2>&1
rc=$?
check_contains "inside, netns-jail's openvpn is 2.5" "OpenVPN 2.5." "$(head -n 1 "$log")"
summary=$(grep -E '^[^ ].*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
check "Tests/EndToEnd/70 passes with OpenVPN 2.5 as the jail's client (${summary##*: }, $((SECONDS - start)) s)" test "$rc" -eq 0
if [ "$rc" -ne 0 ]; then grep -A3 -E '^  (FAIL|skip)' "$log" | head -n 60; tail -n 5 "$log"; fi
check_eq "it skipped nothing" "" "$(grep -E '^  skip' "$log" || true)"
check "outside, /usr/sbin/openvpn is still the host's" cmp -s "$HOST_OPENVPN" "$S/openvpn-server"

suite_end

#!/bin/bash
# Installs what building and testing netns-exec needs, on Debian-family
# machines: `make deps` (build), `make test-deps` (and test; also run by
# make test, demo and bench). With --check (make build, install and the
# test builds) it only names what building lacks and installs nothing, so
# building never changes the machine's packages. On other systems
# (Slackware) it only says what is missing: the SlackBuild path does not
# need the test tools.
set -eu

build_pkgs="libseccomp-dev pkg-config gcc libc6-dev binutils libcap2-bin"
# What the installed launcher runs: dbus-daemon, the jail's own session
# bus (SessionBus.swift). `make deps` installs it; building does not need it.
run_pkgs="dbus-daemon"
# nslcd and libnss-ldapd: the NSS daemon of EndToEnd/15. Installed, they
# change no nsswitch.conf (their debconf default names no database).
# openvpn and openssl: the OpenVPN jail's client and the simulated
# provider's server, with keys and certificates made at test time.
# The desktop programs are Tests/Desktop's: browsers that sandbox
# themselves (qutebrowser and Falkon are QtWebEngine), torrent clients and
# mail, and bubblewrap, Flatpak's sandbox.
test_pkgs="libcap2-bin nftables wireguard-tools wireguard-go iproute2 dnsmasq-base
 tcpdump curl socat python3 qbittorrent-nox desktop-file-utils sudo util-linux procps psmisc
 hyperfine nscd nslcd libnss-ldapd gcc libc6-dev xz-utils strace libglib2.0-bin
 qemu-system-x86 cpio kmod
 dbus-daemon dbus-bin libnotify-bin python3-jeepney
 xvfb x11-apps xdg-utils qbittorrent transmission-gtk firefox-esr chromium
 qutebrowser falkon thunderbird ktorrent transmission-qt deluge-gtk vlc bubblewrap
 miniupnpd-nftables qbittorrent-nox openvpn openssl"

want="$build_pkgs $run_pkgs"
[ "${1:-}" = "--test" ] && want="$build_pkgs $run_pkgs $test_pkgs"
check_only=
[ "${1:-}" = "--check" ] && check_only=1 && want="$build_pkgs"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; install by hand: $want" >&2
    exit 0
fi

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ -n "$check_only" ] || [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing (run 'make deps' as root)" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Several installs may run at once on one machine: wait for apt's lock
# (up to 10 minutes) rather than fail.
apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null

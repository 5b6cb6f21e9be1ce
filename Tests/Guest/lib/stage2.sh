#!/bin/bash
# PID 1 of the guest after switch_root, running the host's own bash from
# the overlay root. It supplies what a booted system would have and a bare
# guest lacks, runs /nxe-run/run.sh (written by the host), leaves
# output.log and exit-status in the run share, and powers off.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
BB=/.nxe-busybox

say() { echo "nxe-stage2: $*"; }

# Whatever happens, the guest ends here; -no-reboot makes qemu exit.
power_off() {
    sync
    umount /nxe-run 2>/dev/null
    "$BB" poweroff -f
    echo o >/proc/sysrq-trigger
    sleep 30
}
trap power_off EXIT

# What the suites and their tools expect of /dev.
mkdir -p /dev/pts /dev/shm /dev/net
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 shm /dev/shm
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
# The host's /run and /tmp are visible through the 9p root (its network
# namespaces, its sockets); the guest gets empty ones of its own. /tmp may
# be nosuid: the suites keep capability-bearing files under /var/tmp.
# The repository may lie under one of the directories replaced below (CI
# may clone it into /tmp): hold a view of it, put back afterwards.
repo=$(cat /nxe-run/repo 2>/dev/null)
if [ -n "$repo" ] && [ -d "$repo" ]; then
    mkdir -p /.nxe-repo && mount --bind "$repo" /.nxe-repo || say "could not hold $repo"
fi
mount -t tmpfs -o nosuid,nodev,mode=0755 run /run
mount -t tmpfs -o nosuid,nodev,mode=1777 tmp /tmp
mkdir -p /run/lock /run/user
# The suites' scratch directories (and the launcher copies with their file
# capability) live in /var/tmp: a tmpfs, deliberately without nosuid.
mount -t tmpfs -o mode=1777 vartmp /var/tmp
if [ -n "$repo" ] && mountpoint -q /.nxe-repo && [ ! -d "$repo" ]; then
    mkdir -p "$repo" && mount --bind /.nxe-repo "$repo" || say "could not put $repo back"
fi
# /etc on a tmpfs copy of its own. The root is an overlay already, the
# suites' sandbox (topology.sh) puts an overlay on /etc, and netns-exec
# puts its own on top of that: three deep, one past the kernel's limit
# ("overlayfs: maximum fs stacking depth exceeded", EINVAL). On a real
# machine / is not an overlay and the same stack is two deep.
mkdir -p /run/nxe-etc
if mount -t tmpfs -o mode=0755,size=64m nxe-etc /run/nxe-etc && cp -a /etc/. /run/nxe-etc/; then
    mount --move /run/nxe-etc /etc || say "could not move the /etc copy into place"
else
    say "could not copy /etc to a tmpfs"
fi
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
hostname "nxe-guest"
ip link set lo up

# Device nodes that load their module when opened (a booted system gets
# them from `kmod static-nodes`): /dev/net/tun for wireguard-go above all.
kver=$(uname -r)
while read -r mod node devno; do
    case $devno in c*) type=c ;; b*) type=b ;; *) continue ;; esac
    devno=${devno#?}
    [ -e "/dev/$node" ] && continue
    mkdir -p "/dev/${node%/*}"
    mknod -m 0666 "/dev/$node" "$type" "${devno%%:*}" "${devno##*:}" 2>/dev/null
done < <(grep -v '^#' "/lib/modules/$kver/modules.devname" 2>/dev/null)
[ -e /dev/net/tun ] && chmod 0666 /dev/net/tun

if [ -n "${nxe_yama:-}" ]; then
    echo "$nxe_yama" >/proc/sys/kernel/yama/ptrace_scope || say "could not set ptrace_scope"
fi

say "kernel $kver, lsm=$(cat /sys/kernel/security/lsm 2>/dev/null), ptrace_scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)"

# The run's output goes both to the share (kept by the host) and to the
# serial console, whose growth is how the host tells a working guest from
# a hung one.
bash /nxe-run/run.sh </dev/null 2>&1 | tee /nxe-run/output.log
status=${PIPESTATUS[0]}
echo "$status" >/nxe-run/exit-status
say "run.sh exited $status"

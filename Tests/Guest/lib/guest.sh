# The guest harness: an initramfs for a Debian kernel, and one bounded qemu
# run that executes a script as root in a guest whose root is this
# machine's own (read-only 9p, tmpfs overlay). Source after kernels.sh.
#
# No network device is ever given to qemu (-nic none, -nodefaults); the
# only network use of the harness is apt fetching packages.

GUEST_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Drivers the initramfs needs before the root exists, as config symbols
# and module names. Which of them are modules differs between releases
# (trixie builds virtio_pci in), so the kernel's own config decides.
_GUEST_NEEDED="VIRTIO_PCI:virtio_pci NET_9P_VIRTIO:9pnet_virtio 9P_FS:9p OVERLAY_FS:overlay"

# guest_module_list KROOT KVER: the module names to insmod, in load order.
guest_module_list() {
    local kroot=$1 kver=$2 cfg mdir pair sym mod val line deps i seen=" "
    cfg=$kroot/boot/config-$kver mdir=$kroot/lib/modules/$kver
    for pair in $_GUEST_NEEDED; do
        sym=${pair%%:*} mod=${pair#*:}
        val=$(sed -n "s/^CONFIG_$sym=//p" "$cfg")
        case $val in
            y) continue ;;
            m) ;;
            *) echo "guest: $kver lacks CONFIG_$sym (needed for the 9p root)" >&2; return 1 ;;
        esac
        line=$(grep -E "(^|/)$mod\.ko:" "$mdir/modules.dep") ||
            { echo "guest: $mod.ko not in $kver's modules.dep" >&2; return 1; }
        # modules.dep lists a module's dependencies so that loading them
        # from last to first satisfies each before its users.
        read -r -a deps <<<"${line#*:}"
        for ((i = ${#deps[@]} - 1; i >= -1; i--)); do
            local p
            if [ "$i" -ge 0 ]; then p=${deps[$i]}; else p=${line%%:*}; fi
            p=${p##*/}; p=${p%.ko}
            case $seen in *" $p "*) continue ;; esac
            seen="$seen$p "
            echo "$p"
        done
    done
}

# _guest_initramfs_fresh IMG: IMG exists and is newer than what it is
# built from (init, busybox, this file).
_guest_initramfs_fresh() {
    [ -s "$1" ] && [ "$1" -nt "$GUEST_LIB/init" ] && [ "$1" -nt "$GUEST_BUSYBOX" ] &&
        [ "$1" -nt "$GUEST_LIB/guest.sh" ]
}

# _guest_build_initramfs KROOT KVER (under the cache's lock): write
# KROOT/nxe-initramfs.img, replacing an older one in one rename, so a guest
# booting from the old image meanwhile is not disturbed.
_guest_build_initramfs() {
    local kroot=$1 kver=$2 img=$1/nxe-initramfs.img tmp m path
    _guest_initramfs_fresh "$img" && return 0
    tmp=$(mktemp -d /var/tmp/nxe-initramfs.XXXXXX) || return 1
    mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev"
    install -m 0755 "$GUEST_BUSYBOX" "$tmp/bin/busybox"
    install -m 0755 "$GUEST_LIB/init" "$tmp/init"
    guest_module_list "$kroot" "$kver" >"$tmp/modules.list" || { rm -rf "$tmp"; return 1; }
    while read -r m; do
        path=$(grep -E "(^|/)$m\.ko:" "$kroot/lib/modules/$kver/modules.dep" | cut -d: -f1)
        cp "$kroot/lib/modules/$kver/$path" "$tmp/modules/$m.ko" || { rm -rf "$tmp"; return 1; }
    done <"$tmp/modules.list"
    # The kernel needs a console before init opens one.
    mknod -m 0600 "$tmp/dev/console" c 5 1
    (cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$img.tmp" &&
        mv "$img.tmp" "$img"
    rm -rf "$tmp" "$img.tmp"
    [ -s "$img" ]
}

# guest_initramfs KROOT KVER: build (or reuse) the initramfs for KVER and
# print its path. Rebuilt, under the cache's lock, when init, busybox or
# this file is newer than the image.
guest_initramfs() {
    local kroot=$1 kver=$2 img=$1/nxe-initramfs.img
    guest_fetch_busybox || return 1
    _guest_initramfs_fresh "$img" || guest_locked _guest_build_initramfs "$kroot" "$kver" || return 1
    _guest_initramfs_fresh "$img" || { echo "guest: no initramfs for $kver in $kroot" >&2; return 1; }
    echo "$img"
}

# --- one guest run -----------------------------------------------------------
# Settings (environment, with defaults):
#   NXE_GUEST_ACCEL    tcg | kvm | auto   (see guest_accel_args, guest_run)
#   NXE_GUEST_MEM      MiB of guest memory
#   NXE_GUEST_TIMEOUT  seconds the whole run may take
#   NXE_GUEST_STALL    seconds the serial console may stay silent
GUEST_MEM=${NXE_GUEST_MEM:-3072}

# guest_accel_args: qemu's accelerator, machine and CPU options.
guest_accel_args() {
    case ${NXE_GUEST_ACCEL:-tcg} in
        # qemu falls back to TCG itself only when KVM cannot be opened;
        # a guest that hangs under KVM is caught by the stall check.
        kvm) echo "-accel kvm -accel tcg -cpu ${NXE_GUEST_KVM_CPU:-max} -smp 1" ;;
        # One CPU: with two TCG vCPUs the 6.12 kernel was seen to oops
        # while patching its own text (alternatives/static keys).
        *) echo "-accel tcg -cpu max -smp 1" ;;
    esac
}

# guest_run KERNEL-NAME RUNDIR LSM YAMA: boot KERNEL-NAME with the run
# share RUNDIR (which holds run.sh) and wait, bounded, for it to end.
# LSM is a value for lsm= or "default"; YAMA a ptrace_scope or "".
# Returns 0 when the guest wrote an exit-status (whatever its value);
# 1 on a boot failure, 2 on a timeout or stall. GUEST_BOOT_SECS is set to
# the seconds until run.sh started, GUEST_RUN_SECS to the whole run's.
# With NXE_GUEST_ACCEL=auto, KVM is tried first; a guest that fails or
# has not reached stage2 within NXE_GUEST_KVM_BOOT seconds (default 40) is
# stopped and booted again under TCG.
guest_run() {
    local name=$1 run=$2 lsm=$3 yama=$4 img append rc
    GUEST_BOOT_SECS=- GUEST_RUN_SECS=-
    guest_fetch_kernel "$name" || return 1
    img=$(guest_initramfs "$GUEST_KROOT" "$GUEST_KVER") || return 1
    install -m 0755 "$GUEST_LIB/stage2.sh" "$run/stage2.sh"
    append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4 rdinit=/init nxe_kroot=$GUEST_KROOT"
    [ "$lsm" = default ] || append="$append lsm=$lsm"
    [ -n "$yama" ] && append="$append nxe_yama=$yama"
    append="$append ${NXE_GUEST_APPEND:-}"
    if [ "${NXE_GUEST_ACCEL:-tcg}" = auto ]; then
        if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
            NXE_GUEST_ACCEL=kvm _guest_boot "$run" "$img" "$append" "${NXE_GUEST_KVM_BOOT:-40}"
            rc=$?
            # Only a guest that never reached stage2 is retried: one that
            # started the run has had its side effects (none on the host,
            # but its time is spent).
            if [ "$rc" -eq 0 ] || [ "$GUEST_BOOT_SECS" != - ]; then return "$rc"; fi
            echo "guest: no boot under KVM (qemu: $(tail -n 1 "$run/qemu.log")); booting again under TCG" >&2
            rm -f "$run/output.log" "$run/exit-status" "$run/doctor.log"
        fi
        NXE_GUEST_ACCEL=tcg _guest_boot "$run" "$img" "$append" ""
        return
    fi
    _guest_boot "$run" "$img" "$append" ""
}

# _guest_stop RUNDIR: end the guest's qemu by the PID it wrote.
_guest_stop() {
    local pid
    pid=$(cat "$1/qemu.pid" 2>/dev/null)
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    sleep 2
    kill -KILL "$pid" 2>/dev/null
}

# _guest_boot RUNDIR INITRAMFS APPEND BOOT-LIMIT: one qemu run. Returns as
# guest_run does, or 3 when BOOT-LIMIT (if not empty) passed before stage2
# started.
_guest_boot() {
    local run=$1 img=$2 append=$3 bootlimit=$4 qpid start now last size lastsize rc
    local limit=${NXE_GUEST_TIMEOUT:-900} stall=${NXE_GUEST_STALL:-300}
    GUEST_BOOT_SECS=- GUEST_RUN_SECS=-
    : >"$run/console.log"
    rm -f "$run/qemu.pid"
    # setpriv --pdeathsig: should the shell that started the guest be
    # killed (a matrix lane is a subshell that the suite's cleanup kills by
    # PID), timeout gets TERM and passes it to qemu, so no guest outlives
    # its caller.
    # shellcheck disable=SC2046
    setpriv --pdeathsig TERM -- timeout -k 5 "$limit" qemu-system-x86_64 -nodefaults -no-user-config -nic none \
        $(guest_accel_args) -machine pc -m "$GUEST_MEM" \
        -display none -monitor none -serial "file:$run/console.log" -no-reboot \
        -pidfile "$run/qemu.pid" \
        -kernel "$GUEST_KROOT/boot/vmlinuz-$GUEST_KVER" -initrd "$img" -append "$append" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
        -virtfs "local,path=$run,mount_tag=nxerun,security_model=none" \
        >"$run/qemu.log" 2>&1 &
    qpid=$!
    # For a caller that is itself stopped: kill_pid "$GUEST_QPID" (TERM
    # then KILL) must reach qemu, not timeout, which would leave qemu
    # running when killed. Until qemu has written its PID, timeout's is
    # the best there is.
    GUEST_QPID=$qpid
    start=$(date +%s) last=$start lastsize=0
    # timeout bounds the whole run; this loop also ends a guest whose
    # console has gone quiet (a hung kernel says nothing at all).
    while kill -0 "$qpid" 2>/dev/null; do
        sleep 1
        [ -s "$run/qemu.pid" ] && GUEST_QPID=$(cat "$run/qemu.pid")
        now=$(date +%s)
        size=$(stat -c %s "$run/console.log" 2>/dev/null || echo 0)
        if [ "$size" != "$lastsize" ]; then lastsize=$size last=$now; fi
        if [ "$GUEST_BOOT_SECS" = - ] && grep -q '^nxe-stage2: kernel' "$run/console.log" 2>/dev/null; then
            GUEST_BOOT_SECS=$((now - start))
        fi
        rc=""
        if [ -n "$bootlimit" ] && [ "$GUEST_BOOT_SECS" = - ] && [ $((now - start)) -ge "$bootlimit" ]; then
            echo "guest: not booted after ${bootlimit}s; stopping qemu" >>"$run/console.log"
            rc=3
        elif [ $((now - last)) -ge "$stall" ]; then
            echo "guest: console silent for ${stall}s; stopping qemu" >>"$run/console.log"
            rc=2
        fi
        if [ -n "$rc" ]; then
            _guest_stop "$run"
            wait "$qpid" 2>/dev/null
            GUEST_QPID="" GUEST_RUN_SECS=$((now - start))
            return "$rc"
        fi
    done
    wait "$qpid"; rc=$?
    GUEST_QPID="" GUEST_RUN_SECS=$(($(date +%s) - start))
    [ -s "$run/exit-status" ] && return 0
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "guest: timed out after ${limit}s" >>"$run/console.log"
        return 2
    fi
    return 1
}

# guest_write_run_script FILE REPO COMMAND...: the script the guest runs:
# COMMAND, quoted as given, in REPO, as root, with the environment the
# suites expect of CI.
guest_write_run_script() {
    local file=$1 repo=$2; shift 2
    {
        echo "# written by the host for one guest run"
        echo "set -u"
        printf 'cd %q || exit 125\n' "$repo"
        printf 'export REPO_ROOT=%q CI=true NETNS_TEST_EXPECT_WG=kernel\n' "$repo"
        printf '%q ' exec "$@"; echo
    } >"$file"
    # stage2 reads the repository's path from here, to keep it visible
    # when it lies under a directory the guest replaces (a clone in /tmp).
    printf '%s\n' "$repo" >"$(dirname "$file")/repo"
}

import FoundationEssentials
import Glibc

/// Whether this kernel can mount the read-only overlay that netns-exec puts
/// on /etc (SECURITY.md, "The /etc overlay"): a tmpfs with one file as the
/// top layer and the host's /etc below, mounted read-only over /etc. Done
/// for real, in the probe namespace's private mount namespace; without it
/// every launch is refused at the mount-view step.
enum EtcOverlayCheck {
    static let subject = "etc overlay"
    static let marker = "netns-jail-doctor-probe"

    /// Runs inside `ip netns exec`. $1 is the top layer's directory, $2 the
    /// mount namespace doctor itself runs in: the script refuses to mount
    /// anything unless it is in another one, so /etc is never covered on
    /// the host even if `ip netns exec` stopped unsharing. Exit statuses
    /// 3 and up name the step that failed.
    static let script = """
        [ "$(readlink /proc/self/ns/mnt)" != "$2" ] || { echo "not in a private mount namespace" >&2; exit 3; }
        mount -t tmpfs -o size=64k,mode=0755 netns-jail-doctor "$1" || exit 4
        echo probe >"$1/\(marker)" || exit 5
        set -- "$1" /etc/*
        mount -t overlay -o ro,lowerdir="$1":/etc overlay /etc || exit 6
        [ -f /etc/\(marker) ] || { echo "the overlay does not show its top layer" >&2; exit 7; }
        [ "$2" = "/etc/*" ] || [ -e "$2" ] || { echo "the overlay hides the host's /etc" >&2; exit 8; }
        if touch /etc/\(marker) 2>/dev/null; then echo "the overlay is writable" >&2; exit 9; fi
        """

    static func run(in namespace: ProbeNamespace) -> SystemCheck {
        // Under /run: root's own tmpfs, and a path without ':' or ',', which
        // the overlay's option string would misread.
        var template = Array("/run/netns-jail-doctor.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            return SystemCheck(.fail, subject, "cannot make a directory in /run: \(String(cString: strerror(errno)))")
        }
        let layer = String(cString: made)
        // rmdir, never a recursive delete: the tmpfs and its file live only
        // in the probe's mount namespace, which is gone by now.
        defer { rmdir(layer) }
        let ownNamespace = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")) ?? "unknown"
        // `timeout`: a probe must not hang doctor.
        let result = namespace.exec(["timeout", "10", "/bin/sh", "-c", script, "sh", layer, ownNamespace])
        if result.succeeded {
            return SystemCheck(.ok, subject, "the kernel mounts the read-only overlay netns-exec puts on /etc")
        }
        return SystemCheck(.fail, subject, "the kernel refused the read-only overlay on /etc that netns-exec needs (\(result.reason)); enable overlayfs (modprobe overlay, or CONFIG_OVERLAY_FS)")
    }
}

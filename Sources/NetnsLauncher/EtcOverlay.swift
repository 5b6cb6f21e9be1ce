import CLinux
import NetnsPolicy
import NetnsLimits

/// Makes /etc/netns/NAME/FILE appear as /etc/FILE inside the jail.
///
/// Why an overlay and not bind mounts: see MountView. Why a copy: overlayfs
/// refuses a lower layer nested inside another (/etc/netns/NAME is inside
/// /etc), so the jail's files are copied into a tmpfs that has no path at
/// all (fsopen/fsmount), which becomes the overlay's top layer. After the
/// overlay is mounted the tmpfs is detached again and its descriptor
/// closed, and nothing can reach the copy except through the read-only
/// overlay.
///
/// Only regular files owned by root and not writable by group or other are
/// accepted, in a directory with the same properties; anything else is a
/// refusal, because a file a user could write there would decide where the
/// jail's DNS goes. A directory without resolv.conf is refused too. A jail
/// with no directory at all uses the host's /etc, as with ip netns exec.
enum EtcOverlay {
    static let root = "/etc/netns"
    static let maximumFileSize = Int(NX_ETC_FILE_MAX_BYTES)
    static let maximumFiles = Int(NX_ETC_FILES_MAX)

    static func mount(for namespace: NamespaceName) throws(Refusal) {
        let path = root + "/" + namespace.value
        // No directory: no per-jail files, /etc is the host's, as with ip netns exec.
        guard let dir = try RootOnlyDirectory(path, refusingLink: true) else { return }

        let names = try dir.entries(limit: maximumFiles).map { $0.name }
        // A jail that has files of its own but no resolv.conf would send
        // its lookups to the host's resolvers: netns-jail writes it before
        // the namespace exists, so its absence means a half-built or
        // hand-made jail, which is refused rather than guessed at.
        guard names.contains("resolv.conf") else {
            throw .denied("\(path) has no resolv.conf, so the jail would use the host's resolvers; refusing (as root: netns-jail up \(namespace) writes it)")
        }

        // Room for the most that is accepted: maximumFiles × maximumFileSize.
        let layer = cl_detached_tmpfs("\(maximumFiles * maximumFileSize / 1024)k")
        guard layer >= 0 else { throw .system(call: "fsmount", path: "tmpfs", errno: cl_errno()) }
        defer { close(layer) }
        for name in names {
            try copy(name, from: dir, into: layer)
        }
        try mountOverlay(layer: layer, attachingAt: dir.fd)
    }

    /// Mounts the read-only overlay of `layer` over /etc.
    ///
    /// Kernels before 6.15 take an overlay layer only from a mount attached
    /// in the caller's mount namespace (a detached one gives EINVAL), so the
    /// layer is first attached on the jail's own directory, which we hold
    /// open and have checked. That happens in our private namespace, whose
    /// mounts never propagate to the host (MountView makes it a slave).
    /// overlayfs keeps its own private clone of each layer, so once the
    /// overlay exists the attachment is undone and the copy is again
    /// reachable only through the read-only overlay.
    static func mountOverlay(layer: Int32, attachingAt directory: Int32) throws(Refusal) {
        guard cl_attach_mount(layer, directory) == 0 else {
            throw .system(call: "move_mount", path: "tmpfs on /etc/netns", errno: cl_errno())
        }
        let attached = "/proc/self/fd/\(layer)"
        let options = "lowerdir=\(attached):/etc"
        guard cl_mount("overlay", "/etc", "overlay", cl_MS_RDONLY, options) == 0 else {
            throw .system(call: "mount", path: "overlay on /etc", errno: cl_errno())
        }
        guard cl_umount2(attached, cl_MNT_DETACH) == 0 else {
            throw .system(call: "umount2", path: "tmpfs on /etc/netns", errno: cl_errno())
        }
    }

    static func copy(_ name: String, from dir: borrowing RootOnlyDirectory, into layer: Int32) throws(Refusal) {
        let path = Quoted.text(dir.path + "/" + name)
        let src: Int32
        switch try dir.open(name, shownAs: path,
                            unreadable: "the jail's files are read as the caller; as root run: chmod 0644 \(path)") {
        case .opened(let file): src = file
        case .symbolicLink: throw .denied("\(path) is a symbolic link; only regular files owned by root are allowed there")
        case .missing: throw .system(call: "open", path: path, errno: ENOENT)
        }
        defer { close(src) }
        let size = try RootOnlyDirectory.requireRootOnly(src, what: path, isDirectory: false)
        guard size <= maximumFileSize,
              let bytes = try Descriptor.readAll(src, limit: maximumFileSize, expected: size, path: path) else {
            throw .denied("\(path) is larger than \(maximumFileSize) bytes; refusing it")
        }
        let dst = cl_openat(layer, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o444)
        guard dst >= 0 else { throw .system(call: "open", path: "tmpfs/" + name, errno: cl_errno()) }
        defer { close(dst) }
        let code = bytes.withUnsafeBytes { Descriptor.writeAll(dst, $0) }
        guard code == 0 else { throw .system(call: "write", path: "tmpfs/" + name, errno: code) }
    }
}

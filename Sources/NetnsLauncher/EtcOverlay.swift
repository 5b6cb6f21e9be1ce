import CLinux
import NetnsPolicy

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
    static let maximumFileSize = 64 * 1024
    static let maximumFiles = 64

    static func mount(for namespace: NamespaceName) throws(Refusal) {
        let path = root + "/" + namespace.value
        let dir = cl_open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if dir < 0 {
            // No per-jail files: /etc is the host's, as with ip netns exec.
            if cl_errno() == ENOENT { return }
            throw .system(call: "open", path: path, errno: cl_errno())
        }
        defer { close(dir) }
        try PolicyFile.requireRootOnly(dir, what: path, isDirectory: true)

        let names = try Directory.entries(dir, path: path, limit: maximumFiles).map { $0.name }
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
            try copy(name, from: dir, directory: path, into: layer)
        }
        try mountOverlay(layer: layer, attachingAt: dir)
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

    static func copy(_ name: String, from dir: Int32, directory: String, into layer: Int32) throws(Refusal) {
        let path = directory + "/" + name
        let src = cl_openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0)
        guard src >= 0 else {
            let code = cl_errno()
            if code == ELOOP { throw .denied("\(Quoted.text(path)) is a symbolic link; only regular files owned by root are allowed there") }
            if code == EACCES {
                throw .system(call: "open", path: Quoted.text(path), errno: code,
                              hint: "the jail's files are read as the caller; as root run: chmod 0644 \(Quoted.text(path))")
            }
            throw .system(call: "open", path: Quoted.text(path), errno: code)
        }
        defer { close(src) }
        let size = try PolicyFile.requireRootOnly(src, what: Quoted.text(path), isDirectory: false)
        guard size <= maximumFileSize else {
            throw .denied("\(Quoted.text(path)) is larger than \(maximumFileSize) bytes; refusing it")
        }
        let dst = cl_openat(layer, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o444)
        guard dst >= 0 else { throw .system(call: "open", path: "tmpfs/" + name, errno: cl_errno()) }
        defer { close(dst) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(src, $0.baseAddress!, $0.count) }
            if n == 0 { return }
            if n < 0 {
                if cl_errno() == EINTR { continue }
                throw .system(call: "read", path: path, errno: cl_errno())
            }
            var done = 0
            while done < n {
                let w = buffer.withUnsafeBytes { write(dst, $0.baseAddress! + done, n - done) }
                if w < 0 {
                    if cl_errno() == EINTR { continue }
                    throw .system(call: "write", path: "tmpfs/" + name, errno: cl_errno())
                }
                done += w
            }
        }
    }
}

import CLinux
import NetnsPolicy
import NetnsLimits

/// Makes /etc/netns/NAME/FILE appear as /etc/FILE inside the jail, and
/// the launcher's own nsswitch.conf (NameServiceSwitch) as
/// /etc/nsswitch.conf, at every launch. resolv.conf is a link to the
/// jail's live resolvers where netns-jail keeps them (LiveResolvConf).
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
/// jail's DNS goes. A jail never falls back to the host's resolvers by
/// itself: a missing directory, or one without resolv.conf, is refused,
/// unless the namespace's policy line says `resolver=host` (then the
/// host's resolv.conf shows through, as with ip netns exec).
enum EtcOverlay {
    static let root = HostPaths.etcNetns
    static let maximumFileSize = Int(NX_ETC_FILE_MAX_BYTES)
    static let maximumFiles = Int(NX_ETC_FILES_MAX)

    static func mount(for namespace: NamespaceName, usesHostResolver: Bool) throws(Refusal) {
        let path = root + "/" + namespace.value
        let layer = try makeLayer()
        defer { close(layer) }
        try write(NameServiceSwitch.text, named: NameServiceSwitch.fileName, into: layer)

        guard let dir = try RootOnlyDirectory(path, refusingLink: true) else {
            // Deleted under a running jail, or never written: the host's
            // resolv.conf would answer. netns-jail writes the directory
            // before the namespace exists and removes it after, so only a
            // namespace meant to use the host's resolvers gets that.
            guard usesHostResolver else {
                throw .denied("\(path) is missing, so \(namespace) would use the host's resolvers; refusing (\(fix(namespace)))")
            }
            // The layer is attached on /run/netns instead, checked like
            // the namespace's own file was in step 4; see mountOverlay.
            guard let attachment = try RootOnlyDirectory(NamespaceFile.directory) else {
                throw .system(call: "open", path: NamespaceFile.directory, errno: ENOENT)
            }
            try mountOverlay(layer: layer, attachingAt: attachment.fd)
            return
        }

        let names = try dir.entries(limit: maximumFiles).map { $0.name }
        // A jail that has files of its own but no resolv.conf would send
        // its lookups to the host's resolvers: netns-jail writes it before
        // the namespace exists, so its absence means a half-built or
        // hand-made jail, which is refused rather than guessed at.
        guard names.contains("resolv.conf") || usesHostResolver else {
            throw .denied("\(path) has no resolv.conf, so the jail would use the host's resolvers; refusing (\(fix(namespace)))")
        }
        // The one file here that could send lookups to a daemon outside
        // the jail is the launcher's to write (NameServiceSwitch).
        guard !names.contains(NameServiceSwitch.fileName) else {
            throw .denied("\(path)/\(NameServiceSwitch.fileName) would decide where the jail's name lookups go; netns-exec writes the jail's own, so as root remove it")
        }
        // Where netns-jail keeps the jail's resolvers live, resolv.conf
        // is a link to them, so programs already running follow a switch
        // or an edit (LiveResolvConf); the jail's own file is checked and
        // copied all the same, then replaced by the link.
        let live = names.contains(LiveResolvConf.name) ? try LiveResolvConf.find(for: namespace) : nil
        for name in names {
            try copy(name, from: dir, into: layer)
        }
        if let live { try link(LiveResolvConf.name, to: live, in: layer) }
        try mountOverlay(layer: layer, attachingAt: dir.fd)
    }

    /// What an administrator does about a jail without its resolv.conf.
    static func fix(_ namespace: NamespaceName) -> String {
        "as root: netns-jail up \(namespace) writes it; a namespace meant to use the host's resolvers says resolver=host in \(PolicyFile.path)"
    }

    /// The tmpfs that becomes the overlay's top layer, with no path.
    /// Room for the most that is accepted, maximumFiles × maximumFileSize,
    /// and a page (of up to 64 KiB) for nsswitch.conf.
    static func makeLayer() throws(Refusal) -> Int32 {
        let layer = cl_detached_tmpfs("\((maximumFiles * maximumFileSize + 65536) / 1024)k")
        guard layer >= 0 else { throw .system(call: "fsmount", path: "tmpfs", errno: cl_errno()) }
        return layer
    }

    /// Mounts the read-only overlay of `layer` over /etc.
    ///
    /// Kernels before 6.15 take an overlay layer only from a mount attached
    /// in the caller's mount namespace (a detached one gives EINVAL), so the
    /// layer is first attached on the jail's own directory, which we hold
    /// open and have checked (or on /run/netns when there is none: any
    /// directory would do, since the attachment lives only until the
    /// overlay exists, and that one is root's and there at every launch). That happens in our private namespace, whose
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
        try write(bytes, named: name, into: layer)
    }

    /// Creates `name` in the layer, mode 0444, holding `bytes`.
    static func write(_ bytes: [UInt8], named name: String, into layer: Int32) throws(Refusal) {
        let dst = cl_openat(layer, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o444)
        guard dst >= 0 else { throw .system(call: "open", path: "tmpfs/" + name, errno: cl_errno()) }
        defer { close(dst) }
        let code = bytes.withUnsafeBytes { Descriptor.writeAll(dst, $0) }
        guard code == 0 else { throw .system(call: "write", path: "tmpfs/" + name, errno: code) }
    }

    /// Replaces `name` in the layer by a symbolic link to `target`.
    static func link(_ name: String, to target: String, in layer: Int32) throws(Refusal) {
        guard unlinkat(layer, name, 0) == 0, symlinkat(target, layer, name) == 0 else {
            throw .system(call: "symlinkat", path: "tmpfs/" + name, errno: cl_errno())
        }
    }

    static func write(_ text: String, named name: String, into layer: Int32) throws(Refusal) {
        try write(Array(text.utf8), named: name, into: layer)
    }
}

import CLinux
import NetnsLimits

/// The mounts of our mount namespace, as /proc/self/mountinfo lists them
/// (each line read by MountInfo, NetnsHost).
struct MountTable {
    typealias Mount = MountInfo

    let mounts: [Mount]

    static let path = "/proc/self/mountinfo"
    static let maximumSize = Int(NX_MOUNTINFO_MAX_BYTES)

    /// A table we cannot read or understand is a refusal: the view must
    /// know every mount to leave none of the host's behind.
    static func read() throws(Refusal) -> MountTable {
        let fd = cl_open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(call: "open", path: path, errno: cl_errno()) }
        defer { close(fd) }
        guard let bytes = try Descriptor.readAll(fd, limit: maximumSize, expected: 65536, path: path) else {
            throw .denied("\(path) is larger than \(maximumSize) bytes; refusing to build the jail's view from part of it")
        }
        var mounts: [Mount] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let mount = MountInfo(line: Array(line)) else {
                throw .denied("\(path) has a line netns-exec cannot read; refusing to build the jail's view")
            }
            mounts.append(mount)
        }
        return MountTable(mounts: mounts)
    }

    /// The mount that `fd` is on.
    func mount(of fd: Int32, path: String) throws(Refusal) -> Mount {
        let id = cl_mount_id(fd)
        guard id >= 0 else { throw .system(call: "statx", path: path, errno: cl_errno()) }
        guard let found = mounts.last(where: { $0.id == id }) else {
            throw .denied("\(path) is on a mount that \(MountTable.path) does not list; refusing to build the jail's view")
        }
        return found
    }
}

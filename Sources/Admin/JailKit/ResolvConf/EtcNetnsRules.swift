import Glibc
import NetnsHost
import NetnsLimits

/// The rules netns-exec applies to /etc/netns/NAME when it builds a jailed
/// program's /etc (Sources/Launcher/NetnsLauncher/EtcOverlay.swift and
/// RootOnlyDirectory.swift), applied here too so that `verify` and `up`
/// never call a jail fine that every launch refuses with exit 125.
///
/// The directory: not a symbolic link, a directory, owned by root, not
/// writable by group or other, at most 64 entries. Each entry: not a
/// symbolic link, a regular file, owned by root, not writable by group or
/// other, at most 64 KiB, and none named nsswitch.conf (the launcher writes
/// the jail's own). The launcher opens them as the calling user, so they
/// must also be readable (and the directory searchable) by others.
public enum EtcNetnsRules {
    /// The launcher's limits (Sources/Shared/NetnsLimits).
    public static let maximumFiles = Int(NX_ETC_FILES_MAX)
    public static let maximumFileSize = Int(NX_ETC_FILE_MAX_BYTES)

    /// One sentence per broken rule, each with the command that fixes it;
    /// empty when the directory is fine or does not exist.
    public static func problems(directory: String) -> [String] {
        var st = stat()
        guard lstat(directory, &st) == 0 else { return [] }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            return ["\(directory) is not a directory (netns-exec refuses the jail); remove it and run netns-jail up"]
        }
        var found = ownership(directory, st)
        if st.st_mode & S_IXOTH == 0 {
            found.append("\(directory) cannot be searched by the jail's users (netns-exec opens it as the caller); run: chmod 0755 \(directory)")
        }
        guard let dir = opendir(directory) else { return found + ["\(directory) cannot be read: \(String(cString: strerror(errno)))"] }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            count += 1
            if name == "nsswitch.conf" {
                found.append("\(directory)/nsswitch.conf is refused by netns-exec, which writes the jail's own (only files and the jail's DNS); remove it")
                continue
            }
            found += fileProblems(directory + "/" + name)
        }
        if count > maximumFiles {
            found.append("\(directory) holds \(count) entries, more than the \(maximumFiles) netns-exec accepts; remove some")
        }
        return found
    }

    static func fileProblems(_ path: String) -> [String] {
        var st = stat()
        guard lstat(path, &st) == 0 else { return [] }
        switch st.st_mode & S_IFMT {
        case S_IFLNK: return ["\(path) is a symbolic link (netns-exec refuses the jail); replace it with a root-owned regular file"]
        case S_IFREG: break
        default: return ["\(path) is not a regular file (netns-exec refuses the jail); remove it"]
        }
        var found = ownership(path, st)
        if st.st_size > maximumFileSize {
            found.append("\(path) is larger than \(maximumFileSize) bytes (netns-exec refuses the jail); shorten it")
        }
        if st.st_mode & S_IROTH == 0 {
            found.append("\(path) is not readable by the jail's users (netns-exec reads it as the caller); run: chmod 0644 \(path)")
        }
        return found
    }

    /// The root-only rule (RootOnly), every part it breaks: the launcher
    /// refuses the jail with these same sentences.
    private static func ownership(_ path: String, _ st: stat) -> [String] {
        RootOnly.violations(owner: st.st_uid, mode: st.st_mode).map { $0.sentence(path) }
    }
}

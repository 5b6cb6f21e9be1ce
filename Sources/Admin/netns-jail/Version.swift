import CVersion

/// What --version prints: the repository's VERSION file, compiled in
/// (Sources/Admin/CVersion), the same file the launcher's build reads.
enum NetnsJailVersion {
    static let string = String(cString: nj_version_file()).filter { !$0.isWhitespace }
}

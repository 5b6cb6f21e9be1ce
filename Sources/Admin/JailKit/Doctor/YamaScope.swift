/// kernel.yama.ptrace_scope, read the way the launcher reads it
/// (Sources/Launcher/NetnsLauncher/ProcessScope.swift): the sysctl exists only while
/// Yama is active, so a missing file means "no Yama", not an error.
public enum YamaScope {
    public static let path = "/proc/sys/kernel/yama/ptrace_scope"

    /// nil when Yama is not active or the value is not a digit.
    public static func read(from path: String = YamaScope.path) -> Int? {
        let bytes = readSmallFile(path, limit: 8)
        guard let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        return Int(first - UInt8(ascii: "0"))
    }
}

/// The host's well-known paths, written once for both programs: the
/// launcher (compiled embedded by scripts/build-launcher.sh) reads them,
/// netns-jail writes and checks them. A path that the two disagreed on
/// would be a jail netns-jail builds and netns-exec never enters, or a
/// check in `doctor` that looks at a file the launcher does not read.
public enum HostPaths {
    /// The directory of the launcher's policy file. It is fixed when the
    /// binary is built; there is no option or variable that changes it.
    #if NETNS_EXEC_TEST_BUILD
    // Test builds of the launcher only (make test-build). Never installed.
    public static let policyDirectory = "/run/netns-exec-test"
    #else
    public static let policyDirectory = installedPolicyDirectory
    #endif
    /// Where an installed launcher reads its policy (netns-jail's default
    /// for `doctor --policy` and `desktop --policy`).
    public static let installedPolicyDirectory = "/etc"
    public static let policyName = "netns-exec.conf"
    public static var policyFile: String { policyDirectory + "/" + policyName }
    public static var installedPolicyFile: String { installedPolicyDirectory + "/" + policyName }

    /// Named network namespaces, as `ip netns` keeps them: /run/netns/NAME.
    public static let namespaces = "/run/netns"
    /// A jail's own /etc files: /etc/netns/NAME/ (resolv.conf above all),
    /// laid over /etc in the jail's view.
    public static let etcNetns = "/etc/netns"
    /// netns-jail's state: locks, records, relay sockets (root's, 0755).
    public static let jailState = "/run/netns-jail"

    /// Where a jail that keeps its own state keeps it, relative to the
    /// user's home: ~/.netns-exec/NAME/STORE.
    public static let stateStore = ".netns-exec"
    /// The places in the home that a jail keeping its own state covers
    /// (relative to the home), and the name of each one's store.
    public static let coveredState: [(path: String, store: String)] = [
        (".config", "config"), (".local/share", "local-share"), (".local/state", "local-state"),
        (".cache", "cache"), (".mozilla", "mozilla"),
    ]

    public static func namespaceFile(_ name: String) -> String { namespaces + "/" + name }
    public static func etcDirectory(_ name: String) -> String { etcNetns + "/" + name }
}

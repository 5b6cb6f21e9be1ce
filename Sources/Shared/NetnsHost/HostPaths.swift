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
    /// user's home: ~/.netns-exec/NAME (the jail's store).
    public static let stateStore = ".netns-exec"
    /// The jail's own home, in its store: ~/.netns-exec/NAME/home, which
    /// the jail sees at the user's home.
    public static let jailHomeName = "home"
    /// The user's own list of folders to share with the jail, one a line,
    /// in its store: ~/.netns-exec/NAME/shared (outside the jail's home,
    /// so the jail cannot add to it).
    public static let sharedListName = "shared"
    /// The stores of the launcher that covered five places of the home
    /// instead of giving the jail a home (before 0.10), each with the place
    /// it covered: moved into the jail's home once, at the next launch.
    public static let earlierStores: [(store: String, inHome: String)] = [
        ("config", ".config"), ("local-share", ".local/share"), ("local-state", ".local/state"),
        ("cache", ".cache"), ("mozilla", ".mozilla"),
    ]
    /// The jails' runtime directories, inside the user's own:
    /// /run/user/UID/netns-exec/NAME, which the jail sees at /run/user/UID.
    public static let runtimeStore = "netns-exec"

    /// ~/.netns-exec/NAME, relative to the home.
    public static func jailStore(_ name: String) -> String { stateStore + "/" + name }
    /// ~/.netns-exec/NAME/home, relative to the home.
    public static func jailHome(_ name: String) -> String { jailStore(name) + "/" + jailHomeName }
    /// /run/user/UID/netns-exec/NAME, relative to /run/user/UID.
    public static func jailRuntime(_ name: String) -> String { runtimeStore + "/" + name }

    public static func namespaceFile(_ name: String) -> String { namespaces + "/" + name }
    /// A jail's own directory under jailState, root's: its published Unix
    /// sockets and its live resolv.conf.
    public static func jailDirectory(_ name: String) -> String { jailState + "/" + name }
    /// The jail's resolvers as programs already running read them:
    /// netns-jail replaces it by rename when they change, and the launcher
    /// makes the jail's /etc/resolv.conf a link to it.
    public static func liveResolvConf(_ name: String) -> String { jailDirectory(name) + "/resolv.conf" }
    public static func etcDirectory(_ name: String) -> String { etcNetns + "/" + name }
}

// swift-tools-version:6.0
//
// Two programs share this source tree, and Sources/ has one folder for each,
// one for the build-time filter, and one for what they share:
//   Sources/Launcher  netns-exec, NetnsLauncher, CLinux
//   Sources/Admin     netns-jail, JailKit, JailRelay, CRelay, CDoctor, CVersion
//   Sources/Filter    netns-exec-filter, CSeccomp
//   Sources/Shared    NetnsPolicy, NetnsHost, NetnsLimits
//
//   netns-exec  the capability-bearing launcher: Sources/Launcher (with
//               NetnsPolicy, NetnsHost and NetnsLimits from Sources/Shared). It is
//               Embedded Swift (no Swift runtime, no Foundation, no
//               argument-parsing framework; SECURITY.md), which SwiftPM cannot
//               build next to ordinary Swift in one package, so
//               scripts/build-launcher.sh builds it (`make build`). It is not
//               a product here.
//   netns-jail  the root admin tool that builds jails. It may use
//               FoundationEssentials and swift-argument-parser, because it
//               never carries privilege that its caller does not already
//               have; not full Foundation (SECURITY.md says why).
import PackageDescription

let package = Package(
    name: "netns-exec",
    products: [
        .executable(name: "netns-jail", targets: ["netns-jail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // --- shared with the launcher (which compiles it again, embedded) ---
        // The limits the launcher, netns-jail and the C reference launcher
        // share: one C header, imported by Swift (Sources/Shared/NetnsLimits).
        .systemLibrary(name: "NetnsLimits", path: "Sources/Shared/NetnsLimits"),
        .target(name: "NetnsPolicy", dependencies: ["NetnsLimits"],
                path: "Sources/Shared/NetnsPolicy"),
        // The host contract both programs keep: the well-known paths, what
        // the jail's /run hides, the root-only rule, and the launcher's
        // pure rules (the command's environment, the hand-off match, the
        // mount table's lines), unit-tested here as ordinary Swift.
        .target(name: "NetnsHost", path: "Sources/Shared/NetnsHost"),
        // The jail's seccomp rules. Run at build time by
        // scripts/build-launcher.sh, it prints the BPF program that the
        // launcher loads, so libseccomp is a build dependency only.
        .systemLibrary(name: "CSeccomp", path: "Sources/Filter/CSeccomp", pkgConfig: "libseccomp",
                       providers: [.apt(["libseccomp-dev"])]),
        .executableTarget(name: "netns-exec-filter", dependencies: ["CSeccomp"],
                          path: "Sources/Filter/netns-exec-filter"),

        // --- the admin tool ---
        .target(name: "JailKit", dependencies: ["NetnsPolicy", "NetnsHost", "NetnsLimits"],
                path: "Sources/Admin/JailKit"),
        // Two calls for `netns-jail doctor` that Swift's Glibc module lacks
        // (Landlock's syscall, getxattr). A dependency of the tool, not of
        // JailKit, so that fuzz/run.sh still compiles JailKit's sources alone.
        .target(name: "CDoctor", path: "Sources/Admin/CDoctor"),
        // The VERSION file, compiled in (#embed), for --version.
        .target(name: "CVersion", path: "Sources/Admin/CVersion"),
        // The relays of `publish` and `host-service` (netns-jail relay): the
        // only code that reads bytes from jailed programs and local users,
        // run without privileges. Its own target, with the prctl shim.
        .target(name: "CRelay", path: "Sources/Admin/CRelay"),
        .target(name: "JailRelay", dependencies: ["JailKit", "CRelay"],
                path: "Sources/Admin/JailRelay"),
        .executableTarget(name: "netns-jail", dependencies: [
            "JailKit",
            "JailRelay",
            "CDoctor",
            "CVersion",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/Admin/netns-jail"),

        // --- unit tests (no privilege needed) ---
        .testTarget(name: "NetnsPolicyTests", dependencies: ["NetnsPolicy"]),
        .testTarget(name: "NetnsHostTests", dependencies: ["NetnsHost", "NetnsPolicy"]),
        .testTarget(name: "JailKitTests", dependencies: ["JailKit"]),
    ]
)

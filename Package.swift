// swift-tools-version:6.0
//
// Two programs share this source tree:
//   netns-exec  the capability-bearing launcher: Sources/netns-exec,
//               NetnsLauncher, NetnsPolicy and the C shim CLinux. It is
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
        // share: one C header, imported by Swift (Sources/NetnsLimits).
        .systemLibrary(name: "NetnsLimits"),
        .target(name: "NetnsPolicy", dependencies: ["NetnsLimits"]),
        // The jail's seccomp rules. Run at build time by
        // scripts/build-launcher.sh, it prints the BPF program that the
        // launcher loads, so libseccomp is a build dependency only.
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp",
                       providers: [.apt(["libseccomp-dev"])]),
        .executableTarget(name: "netns-exec-filter", dependencies: ["CSeccomp"]),

        // --- the admin tool ---
        .target(name: "JailKit", dependencies: ["NetnsPolicy", "NetnsLimits"]),
        // Two calls for `netns-jail doctor` that Swift's Glibc module lacks
        // (Landlock's syscall, getxattr). A dependency of the tool, not of
        // JailKit, so that fuzz/run.sh still compiles JailKit's sources alone.
        .target(name: "CDoctor"),
        // The VERSION file, compiled in (#embed), for --version.
        .target(name: "CVersion"),
        // The relays of `publish` and `host-service` (netns-jail relay): the
        // only code that reads bytes from jailed programs and local users,
        // run without privileges. Its own target, with the prctl shim.
        .target(name: "CRelay"),
        .target(name: "JailRelay", dependencies: ["JailKit", "CRelay"]),
        .executableTarget(name: "netns-jail", dependencies: [
            "JailKit",
            "JailRelay",
            "CDoctor",
            "CVersion",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // --- unit tests (no privilege needed) ---
        .testTarget(name: "NetnsPolicyTests", dependencies: ["NetnsPolicy"]),
        .testTarget(name: "JailKitTests", dependencies: ["JailKit"]),
    ]
)

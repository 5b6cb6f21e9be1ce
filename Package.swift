// swift-tools-version:6.0
//
// Two programs share this package:
//   netns-exec  the capability-bearing launcher. It links only Glibc, libcap,
//               libseccomp and the small modules below it; no Foundation,
//               no argument-parsing framework (see SECURITY.md).
//   netns-jail  the root admin tool that builds jails. It may use Foundation
//               and swift-argument-parser, because it never carries privilege
//               that its caller does not already have.
import PackageDescription

let package = Package(
    name: "netns-exec",
    products: [
        .executable(name: "netns-exec", targets: ["netns-exec"]),
        .executable(name: "netns-jail", targets: ["netns-jail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // --- the privileged launcher and what it is built from ---
        .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),
        .systemLibrary(name: "CCap", pkgConfig: "libcap",
                       providers: [.apt(["libcap-dev"])]),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp",
                       providers: [.apt(["libseccomp-dev"])]),
        .target(name: "NetnsPolicy"),
        .target(name: "NetnsLauncher",
                dependencies: ["CLinux", "CCap", "CSeccomp", "NetnsPolicy"]),
        .executableTarget(name: "netns-exec", dependencies: ["NetnsLauncher", "NetnsPolicy"]),

        // --- the admin tool ---
        .target(name: "JailKit", dependencies: ["NetnsPolicy"]),
        .executableTarget(name: "netns-jail", dependencies: [
            "JailKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // --- unit tests (no privilege needed) ---
        .testTarget(name: "NetnsPolicyTests", dependencies: ["NetnsPolicy"]),
        .testTarget(name: "JailKitTests", dependencies: ["JailKit"]),
    ]
)

// swift-tools-version:5.9
// The HealthBook core for iOS: the Rust library as an XCFramework and its generated Swift
// bindings. Both are produced by mobile-core/scripts/build-ios.sh; run it first.
import PackageDescription

let package = Package(
    name: "HealthBookCore",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "HealthBookCore", targets: ["HealthBookCore"]),
    ],
    targets: [
        .binaryTarget(name: "HealthBookCoreFFI", path: "HealthBookCoreFFI.xcframework"),
        .target(
            name: "HealthBookCore",
            dependencies: ["HealthBookCoreFFI"],
            path: "Sources/HealthBookCore",
            linkerSettings: [.linkedFramework("SystemConfiguration")]
        ),
    ]
)

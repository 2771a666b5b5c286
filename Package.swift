// swift-tools-version: 6.1
import PackageDescription

// The flow shows in the targets: sources of truth (MachineSources) → a pure Plan (Planning)
// → execution against the kernel's files (Execution) → report (Reporting). The executable only wires.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "deferred-memd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "deferred-memd", targets: ["deferred-memd"]),
        .executable(name: "deferred-memd-boot", targets: ["deferred-memd-boot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .target(name: "MemoryModel", swiftSettings: strict),
        // The two C libraries, each reached only through its own thin Swift wrapper (Systemd, Udev).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .target(name: "LinuxShims"),
        .target(name: "TinyJSON", swiftSettings: strict),
        .target(
            name: "KernelFiles",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        .target(
            name: "MachineSources",
            dependencies: ["MemoryModel", "KernelFiles"],
            swiftSettings: strict),
        .target(name: "Planning", dependencies: ["MemoryModel", "MachineSources"], swiftSettings: strict),
        .target(
            name: "Execution",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Planning", "TinyJSON", "LinuxShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "Reporting",
            dependencies: ["MemoryModel", "KernelFiles", "MachineSources", "Planning", "Execution", "TinyJSON"],
            swiftSettings: strict),
        .target(
            name: "Systemd",
            dependencies: ["CSystemd", "Execution", "KernelFiles", .product(name: "Logging", package: "swift-log"), .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        .target(name: "Udev", dependencies: ["CUdev", "Execution"], swiftSettings: strict),
        // The jobs the service runs at boot (`run`, `plan --check`) as values, and their parser: no ArgumentParser.
        .target(
            name: "Daemon",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Planning", "Execution", "Reporting", "Systemd", "TinyJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // What deferred-memd.service runs: the Daemon jobs alone, without ArgumentParser and its FoundationEssentials.
        .executableTarget(name: "deferred-memd-boot", dependencies: ["Daemon", "Systemd"], swiftSettings: strict),
        // The command-line tool: every command, ArgumentParser's help and errors.
        .executableTarget(
            name: "deferred-memd",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Planning", "Execution", "Reporting", "Systemd", "Udev", "Daemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // In-process benchmarks (engine with the kernel taken out, planning); scripts/bench.py runs it.
        .executableTarget(
            name: "deferred-memd-bench",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Planning", "Execution", "TinyJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "DeferredMemdTests",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Planning", "Execution", "Reporting", "TinyJSON",
                "Systemd", "Daemon", "deferred-memd", "deferred-memd-boot",
            ],
            exclude: ["Golden"],
            swiftSettings: strict),
    ]
)

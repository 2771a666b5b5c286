// swift-tools-version: 6.1
import PackageDescription

// The flow shows in the targets: sources of truth (MachineSources) → a pure Plan (Planning)
// → the engine against the kernel's files (Execution) → report (Reporting); every command's job in Jobs.
// The executables only adapt their arguments to jobs.
// Swift 6 language mode; release builds give each function a section of its own, so that the boot binary's link can
// place the code a run executes together (below).
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6), .unsafeFlags(["-Xfrontend", "-function-sections"], .when(configuration: .release))]
// The boot binary's release link: lld puts the functions a run executes first and together, in the order it
// executes them (scripts/symbol-order.py writes the list), so a boot maps a few hundred pages of text rather than
// the 64 KiB fault-around runs of scattered ones (Docs/performance.md). Symbols the list no longer matches cost
// only their placement. Relative relocations packed (RELR, glibc 2.36+): 672 KB of .rela.dyn becomes 6 KB for the
// loader to read. No dynamic exports: the toolchain's -export-dynamic put our 4,591 symbols (400 KB of tables,
// all resident) in .dynsym for nothing that looks them up; the libraries' references are still resolved. The C++
// runtime the Swift runtime needs comes from libstdc++.a (link-inputs/ holds a linker script that redirects the
// toolchain's -lstdc++): relocating libstdc++.so was half of the loader's work before main.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))
let bootLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "--symbol-ordering-file=\(packageDirectory)/Sources/deferred-memd-boot/symbol-order.txt",
            "-Xlinker", "--no-warn-symbol-ordering", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            "-Xlinker", "--no-export-dynamic", "-L", "\(packageDirectory)/Sources/deferred-memd-boot/link-inputs",
        ], .when(configuration: .release))
]

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
        .target(name: "MemoryModel", swiftSettings: swiftSettings),
        // The two C libraries, each reached only through its own thin Swift wrapper (Systemd, Udev).
        // libsystemd's header only: it is opened at run time, when the daemon first speaks to systemd (LibSystemd).
        .systemLibrary(name: "CSystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .target(name: "LinuxShims"),
        // The C library (glibc, or musl with the static Linux SDK), named in one file.
        .target(name: "CLibrary", swiftSettings: swiftSettings),
        .target(name: "TinyJSON", swiftSettings: swiftSettings),
        .target(
            name: "KernelFiles",
            dependencies: ["CLibrary", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings),
        .target(
            name: "MachineSources",
            dependencies: ["MemoryModel", "KernelFiles", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings),
        // The administrator's settings for a run (the configuration file and the options it shares with the flags).
        .target(name: "Settings", dependencies: ["KernelFiles", "MachineSources"], swiftSettings: swiftSettings),
        // What only doctor and capture read or write about the machine: the kernel's configuration, udev rules, capture.
        .target(
            name: "Diagnostics",
            dependencies: ["KernelFiles", "MachineSources", "Settings"],
            swiftSettings: swiftSettings),
        .target(name: "Planning", dependencies: ["MemoryModel", "MachineSources", "Settings"], swiftSettings: swiftSettings),
        // The engine: block executor, workers, gate, retries, the probe guard, and the kernel seam with the live kernel.
        .target(
            name: "Execution",
            dependencies: [
                "CLibrary",
                "MemoryModel", "KernelFiles", "MachineSources", "Settings", "Planning", "TinyJSON", "LinuxShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings),
        // Kernels that stand in for the real one: simulated (tests, demos, --simulate), recording (--dry-run), counting (benchmarks).
        .target(
            name: "KernelSimulation",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Planning", "Execution", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Reporting",
            dependencies: ["MemoryModel", "MachineSources", "Settings", "Diagnostics", "Planning", "Execution", "TinyJSON"],
            swiftSettings: swiftSettings),
        // Thin wrappers of the two C libraries; they know nothing of the engine.
        .target(
            name: "Systemd",
            dependencies: [
                "CLibrary",
                "CSystemd", "KernelFiles", .product(name: "Logging", package: "swift-log"), .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "Udev", dependencies: ["CLibrary", "CUdev"], swiftSettings: swiftSettings),
        // Every command's job as a value, with the context they share; both executables only fill these.
        .target(
            name: "Jobs",
            dependencies: [
                "CLibrary",
                "MemoryModel", "KernelFiles", "MachineSources", "Settings", "Diagnostics", "Planning", "Execution", "KernelSimulation", "Reporting", "Systemd",
                "TinyJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings),
        // What the units run (run, plan --check, rescue): the jobs alone, without ArgumentParser and its FoundationEssentials.
        .executableTarget(
            name: "deferred-memd-boot", dependencies: ["CLibrary", "Jobs", "Reporting", "Systemd"], exclude: ["symbol-order.txt", "link-inputs"],
            swiftSettings: swiftSettings, linkerSettings: bootLink),
        // The command-line tool: ArgumentParser adapters that fill the jobs, help and errors; udev for watch.
        .executableTarget(
            name: "deferred-memd",
            dependencies: [
                "CLibrary",
                "Jobs", "Reporting", "MachineSources", "Settings", "KernelFiles", "Systemd", "Udev",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // In-process benchmarks (engine with the kernel taken out, planning); scripts/bench.py runs it.
        .executableTarget(
            name: "deferred-memd-bench",
            dependencies: [
                "CLibrary",
                "MemoryModel", "KernelFiles", "MachineSources", "Settings", "Planning", "Execution", "KernelSimulation", "TinyJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // libFuzzer targets, one per parser of outside input (scripts/fuzz.sh builds them with -sanitize=fuzzer,address
        // and -D FUZZING; the normal build is a stub main). Seeds under Fuzz/Corpus/<target>.
        .target(name: "FuzzSupport", dependencies: ["CLibrary"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzFlattenedDevicetree", dependencies: ["FuzzSupport", "MachineSources"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzDevicetreeDirectory", dependencies: ["FuzzSupport", "KernelFiles", "MachineSources"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzKernelCommandLine", dependencies: ["FuzzSupport", "MachineSources"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["FuzzSupport", "MachineSources", "Settings"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMemoryBlockDirectory", dependencies: ["FuzzSupport", "KernelFiles", "MachineSources"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzDoctorSources", dependencies: ["FuzzSupport", "MachineSources", "Diagnostics"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzProcFiles", dependencies: ["FuzzSupport", "MachineSources", "MemoryModel"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzPlanJournal",
            dependencies: ["Execution", "FuzzSupport", "KernelFiles", "MachineSources", "Settings", "MemoryModel", "Planning", "TinyJSON"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DeferredMemdTests",
            dependencies: [
                "MemoryModel", "KernelFiles", "MachineSources", "Settings", "Diagnostics", "Planning", "Execution", "KernelSimulation", "Reporting", "TinyJSON",
                "CSystemd", "Systemd", "Jobs", "deferred-memd", "deferred-memd-boot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            exclude: ["Golden", "FuzzFindings", "DoctorFixtures"],
            swiftSettings: swiftSettings, linkerSettings: [.linkedLibrary("systemd")]),
    ]
)

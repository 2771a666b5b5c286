extension RescueJob {
    /// Every option of `rescue`: it reads no configuration and no plan, so it takes no split.
    package static let options = OptionTable<RescueJob>([
        .text("sysroot", "DIR", help: "Root directory holding the machine's /sys and /proc (a capture or a test tree).") { $0.sysroot = $1 },
        .flag("simulate", help: "Use the simulated kernel on the tree at --sysroot (tests and demos).") { $0.simulate = true },
        .metricsDirectory(for: "rescue") { $0.metricsDirectory = $1 },
        .logLevel { $0.logLevel = $1 },
    ])
}

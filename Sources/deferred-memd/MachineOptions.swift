import ArgumentParser
import Jobs

/// The machine flags on the command line; the values and what is read with them are `MachineSelection`'s.
struct MachineOptions: ParsableArguments {
    @Option(help: "Root directory holding the machine's /sys, /proc and /etc (a capture or a test tree).")
    var sysroot: String = "/"

    @Option(help: "Configuration file to read instead of /etc/deferred-memd.conf and its drop-ins.")
    var config: String?

    @Option(help: "Deferred memory for ZONE_NORMAL: a size (4G, 0x80000000) or a percentage (50%).")
    var kernelcore: String?

    @Option(help: "Deferred memory for ZONE_MOVABLE: a size or a percentage.")
    var movablecore: String?

    var selection: MachineSelection {
        MachineSelection(sysroot: sysroot, config: config, kernelcore: kernelcore, movablecore: movablecore)
    }
}

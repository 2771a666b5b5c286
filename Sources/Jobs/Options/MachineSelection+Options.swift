extension MachineSelection {
    /// Which machine and what split: every command that reads a machine takes these.
    package static let options = OptionTable<MachineSelection>([
        .text("sysroot", "DIR", help: "Root directory holding the machine's /sys, /proc and /etc (a capture or a test tree).") { $0.sysroot = $1 },
        .text("config", "FILE", help: "Configuration file to read instead of /etc/deferred-memd.conf and its drop-ins.") { $0.config = $1 },
        .text("kernelcore", "SIZE|N%", help: "Deferred memory for ZONE_NORMAL: a size (4G, 0x80000000) or a percentage (50%).") { $0.kernelcore = $1 },
        .text("movablecore", "SIZE|N%", help: "Deferred memory for ZONE_MOVABLE: a size or a percentage.") { $0.movablecore = $1 },
    ])
}

/// Something about the plan or the machine a person should know, with a stable code that fleets can alert on
/// (`plan --json` and the report carry `{code, message}`; the message is for people and may change).
package struct PlanWarning: Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, CaseIterable {
        /// The vendor interface's DRAM end lies below the RAM map's end.
        case mapBeyondDRAMEnd = "map-beyond-dram-end"
        /// Only the vendor interface's bounds say where deferred RAM is; it is taken as contiguous.
        case boundsOnly = "bounds-only"
        /// `mem=` limits boot memory but no map says where the rest is.
        case noRAMMap = "no-ram-map"
        /// RAM in the map is not present, and the kernel booted without `mem=`.
        case absentWithoutLimit = "absent-without-limit"
        case blockGoingOffline = "block-going-offline"
        /// The kernel's own split asks for more than there is; clamped as the kernel clamps it.
        case splitClamped = "split-clamped"
        /// MOVABLE:KERNEL above 3:1.
        case movableRatio = "movable-ratio"
        /// Free memory is tight for the memmap of the blocks to probe.
        case memmapHeadroom = "memmap-headroom"
        /// Free memory is below what the memmap of the blocks to probe needs, in the best order: nothing is done.
        case memmapCannotFit = "memmap-cannot-fit"
        case autoOnlineBlocks = "auto-online-blocks"
        case noProbeFile = "no-probe-file"
        case kernelcoreMirror = "kernelcore-mirror"
        /// `movable_node` on the command line: the kernel puts hotpluggable memory in ZONE_MOVABLE itself.
        case movableNode = "movable-node"
        /// `memhp_default_state=` onlines added memory in the kernel's choice of zone.
        case memhpDefaultState = "memhp-default-state"
        /// The devicetree puts deferred memory on a node that probe cannot reach.
        case numaNodeViaProbe = "numa-node-via-probe"
        /// A crash-dump (kdump) kernel: nothing is probed or onlined.
        case crashKernel = "crash-kernel"
        /// A kernel word on `/proc/cmdline` the kernel reads otherwise than it is written (`mem=2GB`, `mem=lots`).
        case commandLine = "command-line"
        /// From the devicetree reader (a node without `reg`, a zero-size bank, overlapping banks).
        case devicetree
        /// From the configuration (unknown sections and keys).
        case configuration
        /// Blocks the RAM map offers that the kernel's candidates do not: left alone, never probed.
        case outsideCandidates = "outside-candidates"
        /// Hash tables the kernel sized at boot for the boot memory, fixed for good: the message gives the
        /// command-line values that size them for all the memory at the next boot.
        case bootSizedHashTables = "boot-sized-hash-tables"
        /// This boot's plan journal is corrupt (not what the daemon writes): ignored, the fresh plan is used.
        case planJournalIgnored = "plan-journal-ignored"
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}

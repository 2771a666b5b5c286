/// Every stable code a plan warning or a `doctor` check carries (`plan --json`, the report and `doctor --json`
/// print the raw value). One enum, so that a rule the planner and `doctor` share has one code.
package enum FindingCode: String, Sendable, CaseIterable {
    // MARK: the machine's sources and the plan

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
    /// Memory above 4 GiB is probed into a kernel that booted without a bounce buffer (swiotlb): a device limited to
    /// 32-bit DMA without an IOMMU cannot reach it. (Present blocks are the firmware's, known when the kernel booted.)
    case noBounceBuffer = "no-bounce-buffer"
    /// This boot's plan journal is corrupt (not what the daemon writes): ignored, the fresh plan is used.
    case planJournalIgnored = "plan-journal-ignored"

    // MARK: doctor's checks of the machine around the daemon

    case kernelConfig = "kernel-config"
    case memoryHotplug = "memory-hotplug"
    case probeInterface = "probe-interface"
    case hotRemove = "hot-remove"
    case defaultOnlineType = "default-online-type"
    case kernelHandover = "kernel-handover"
    case memLimit = "mem-limit"
    /// The split's command-line words (`kernelcore=mirror` is `kernelcore-mirror`).
    case kernelcore
    case onlinePolicy = "online-policy"
    case memmapOnMemory = "memmap-on-memory"
    /// A udev rule that onlines memory; `udev-rules` is the check that found none.
    case udevRule = "udev-rule"
    case udevRules = "udev-rules"
    case udevAndWatch = "udev-and-watch"
    /// The plan itself, and the carve-outs and partial blocks it skipped.
    case plan
    case skipped
    case lastRun = "last-run"
    /// Deferred memory still not online.
    case deferredMissing = "deferred-missing"
    /// A source file that could not be read.
    case source

    /// What to do when a finding with this code is not ok, where the finding does not say more itself.
    package var remedy: String {
        switch self {
        case .boundsOnly: "give the kernel a RAM map (devicetree memory nodes, or /sys/firmware/memmap with CONFIG_FIRMWARE_MEMMAP)"
        case .noRAMMap:
            "boot a kernel with /sys/kernel/deferred_mem_init (its bounds say where deferred RAM is; under UEFI the EFI stub drops the devicetree's memory nodes), or one whose devicetree memory nodes or /sys/firmware/memmap (x86, CONFIG_FIRMWARE_MEMMAP) describe DRAM; or boot without mem="
        case .mapBeyondDRAMEnd: "check the vendor's bootmem_end_of_dram against the devicetree"
        case .absentWithoutLimit: "boot with mem= if that memory is meant to be deferred; else nothing to do"
        case .splitClamped: "lower the kernel's deferred_kernelcore/deferred_movablecore, or set the split in /etc/deferred-memd.conf"
        case .configuration: "fix the key named in /etc/deferred-memd.conf"
        case .commandLine: "write the word as the kernel reads it (mem=2G, not mem=2GB), or drop it; the plan follows the kernel meanwhile"
        case .planJournalIgnored: "remove /run/deferred-memd/plan.json; the next run writes a fresh one"
        case .blockGoingOffline: "wait for the offline to finish, then re-run"
        case .numaNodeViaProbe: "nothing the daemon can do: probe cannot choose a node (boot without mem= for that node's memory)"
        case .outsideCandidates: "nothing to do: the kernel keeps those blocks for what it reserved before mem= (see kernel/README.md, the candidates)"
        case .bootSizedHashTables: "add the values above to the kernel command line; they take effect at the next boot"
        case .movableRatio:
            "give ZONE_NORMAL more of the deferred memory: KernelCore= (e.g. KernelCore=25%) in /etc/deferred-memd.conf or deferred_mem.kernelcore="
        case .memmapHeadroom, .memmapCannotFit:
            "defer less memory (a larger mem=), or free memory before the run; Normal blocks are onlined first so that their memory feeds the rest"
        case .autoOnlineBlocks, .memhpDefaultState: "add memhp_default_state=offline to the kernel command line"
        case .noProbeFile, .probeInterface:
            "boot a kernel built with CONFIG_ARCH_MEMORY_PROBE=y (x86_64 and ppc64 have it; arm64 needs a vendor patch), or boot without mem= so that the memory is present at boot and only onlined"
        case .kernelcoreMirror, .kernelcore:
            "set the deferred split with KernelCore=/MovableCore= in /etc/deferred-memd.conf or deferred_mem.kernelcore="
        case .noBounceBuffer:
            "nothing, if every device limited to 32-bit DMA sits behind an IOMMU (SMMU, VT-d) or none has such a limit; else on x86 add iommu=soft (a bounce buffer, used only where needed), on arm64 end mem= above 4 GiB (swiotlb=force would bounce every DMA)"
        case .movableNode: "drop movable_node unless the firmware's hotpluggable memory must be removable; deferred-memd sets zones itself"
        case .crashKernel: "nothing to do in a kdump kernel; if this is not one, remove elfcorehdr= from the command line"
        case .source: "make the file readable, or remove it if it does not belong to this machine"
        default: "see deferred-memd plan"
        }
    }
}

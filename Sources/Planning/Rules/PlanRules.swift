import MachineSources
import MemoryModel

/// Rules over a computed plan and the machine it is for. The planner carries the ones that warn; `doctor`
/// prints each.
package enum PlanRules {
    /// MOVABLE:KERNEL once the plan is carried out, boot memory counting in the zone it is in.
    package static func movableRatio(_ machine: Machine, _ plan: Plan) -> Finding {
        ZoneBalance(machine: machine, plan: plan).finding
    }

    /// Free memory against the memmap of the blocks to probe (`plan.memmapBudget`, the planner's).
    package static func memmap(_ machine: Machine, _ plan: Plan) -> Finding {
        let probeBytes = plan.bytesToProbe
        guard let budget = plan.memmapBudget else {
            let memmap = Planner.memmapBytes(of: probeBytes, pageSize: machine.pageSize)
            guard let meminfo = machine.meminfo else {
                return Finding(.ok, .memmapHeadroom, "no /proc/meminfo: headroom unknown (\(ByteCount.describe(memmap)) of memmap to allocate)")
            }
            if machine.deferredMemInit?.addsHostTheirMemmap == true, probeBytes > 0 {
                return Finding(.ok, .memmapHeadroom, "each block added holds its own memmap (free \(ByteCount.describe(meminfo.memFree)))")
            }
            return Finding(.ok, .memmapHeadroom, "nothing to probe: no memmap to allocate (free \(ByteCount.describe(meminfo.memFree)))")
        }
        let figures =
            "free memory \(ByteCount.describe(budget.free)) against the \(ByteCount.describe(budget.memmap)) memmap of the \(ByteCount.describe(probeBytes)) to probe (taken from online kernel memory at each probe)"
        if !budget.fits {
            return Finding(
                .fail, .memmapCannotFit,
                "\(figures): the plan needs \(ByteCount.describe(budget.need)) free at start, \(ByteCount.describe(budget.need - budget.free)) more, even with Normal blocks first; nothing is probed or onlined"
            )
        }
        if budget.tight {
            return Finding(
                .warn, .memmapHeadroom,
                "\(figures) is tight; Normal blocks are onlined first, each probe followed by its online: the plan needs \(ByteCount.describe(budget.need)) free at start"
            )
        }
        return Finding(
            .ok, .memmapHeadroom,
            "free \(ByteCount.describe(budget.free)) for the \(ByteCount.describe(budget.memmap)) memmap of \(ByteCount.describe(probeBytes)) to probe")
    }

    /// `auto_online_blocks` not offline while the plan probes: the kernel would pick each block's zone.
    package static func autoOnlineBlocks(_ machine: Machine, _ plan: Plan) -> Finding? {
        guard plan.needsProbe, let mode = machine.memory.autoOnlineBlocks, mode != "offline" else { return nil }
        return Finding(
            .warn, .autoOnlineBlocks, "auto_online_blocks is '\(mode)': the kernel would online each probed block itself, in its own choice of zone")
    }

    /// Blocks to probe and no `probe` file.
    package static func probeFile(_ machine: Machine, _ plan: Plan) -> Finding? {
        guard plan.needsProbe, !machine.memory.hasProbe else { return nil }
        return Finding(
            .warn, .noProbeFile,
            "no /sys/devices/system/memory/probe (CONFIG_ARCH_MEMORY_PROBE is off): the \(plan.blocks.filter { $0.action == .probe }.count) blocks that need probing cannot be added"
        )
    }

    /// What a 32-bit DMA mask addresses.
    package static let dma32Limit: UInt64 = 1 << 32

    /// Memory the plan probes above 4 GiB, to a kernel without a bounce buffer (`BounceBuffer`); nil when nothing is
    /// probed there, the kernel has one, or the files cannot tell (an x86 SRAT may have raised its limit). Present
    /// blocks (DIMMs) are the firmware's, which told the kernel of them at boot (x86: SRAT's hotplug ranges).
    package static func bounceBuffer(_ machine: Machine, _ plan: Plan) -> Finding? {
        guard plan.crashKernel == nil, let lowest = machine.memory.blocks.map(\.index).min(), UInt64(lowest) * plan.blockSize < dma32Limit else {
            return nil
        }
        let above = plan.blocks.lazy.filter { $0.action == .probe && !$0.alreadyOnline && $0.start + plan.blockSize > dma32Limit }.count
        // The top of the memory the kernel booted with (its max_pfn): the boot end, or above it what it re-added at
        // boot (arm64's initrd, the image an EFI stub put high), in the online blocks the plan does not own; to the
        // byte where /proc/iomem says (mem=1000M ends inside a block, and so does the DMA zone).
        let planned = Set(plan.blocks.map(\.index))
        let bootTop = machine.memory.blocks.lazy.filter { $0.state == .online && !planned.contains($0.index) }.compactMap { block -> UInt64? in
            let range = AddressRange(start: UInt64(block.index) * plan.blockSize, end: UInt64(block.index + 1) * plan.blockSize)
            guard let ram = machine.systemRAM?.ram else { return range.end }
            return ram.intersection(range).ranges.last?.end
        }.max()
        let top = max(bootTop ?? 0, plan.bootEnd ?? 0)
        guard above > 0, top > 0, let why = missingBounceBuffer(machine, bootTop: top) else { return nil }
        return Finding(
            .warn, .noBounceBuffer,
            "\(ByteCount.describe(UInt64(above) * plan.blockSize)) of the memory to add lies above 4 GiB, and this kernel has no swiotlb bounce buffer (\(why)): a device limited to 32-bit DMA without an IOMMU cannot map pages there"
        )
    }

    /// Why the kernel has no bounce buffer, or nil when it has one or the files cannot tell.
    static func missingBounceBuffer(_ machine: Machine, bootTop: UInt64) -> String? {
        if let slabs = machine.bounceBuffer.hasSlabs { return slabs ? nil : "\(BounceBuffer.debugfsDirectory) shows no slabs" }
        guard !machine.commandLine.bounceBufferRequested, bootTop <= dma32Limit else { return nil }
        if machine.devicetree != nil {
            // arm64 sets one up for memory above its DMA zone, which dma-ranges may end below 4 GiB.
            let dma = machine.zoneSpans?.spans.filter { $0.zone == "DMA" && $0.spannedPages > 0 }.map { ($0.startPFN + $0.spannedPages) * machine.pageSize }
                .max()
            if let dma, dma < bootTop { return nil }
        } else if machine.bounceBuffer.sratPresent {
            return nil
        }
        return "it sets one up at boot only when the memory it boots with reaches above 4 GiB; this boot's ended at \(Hex.prefixed(bootTop))"
    }
}

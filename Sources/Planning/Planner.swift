import MachineSources
import MemoryModel
import Settings

/// Computes the `Plan` from what was read about the machine. Pure: no files, no clock.
///
/// The rules (Docs/design.md, "Plan rules"):
/// - Deferred memory is RAM above the end of boot memory that is not yet present (probe + online), plus every
///   present block that is offline (online only). Blocks above the boot end that are already online stay in
///   the plan, so that the split is the same on every run and a re-run finishes what a crashed run left.
/// - Only whole blocks entirely inside RAM are probed; none that overlaps a devicetree carve-out.
/// - The split follows the kernel's kernelcore/movablecore rules, rounded to whole blocks (kernel zone up).
/// - Per NUMA node, Normal takes the lower addresses and Movable the upper ones: zones never interleave.
package struct Planner: Sendable {
    package init() {}

    package func plan(machine: Machine, split: SplitRequest) throws(SourceError) -> Plan {
        let blockSize = machine.memory.blockSize
        var warnings: [PlanWarning] = []
        warnings += machine.commandLine.warnings.map { PlanWarning(.commandLine, $0) }
        warnings += (machine.devicetree?.warnings ?? []).map { PlanWarning(.devicetree, $0) }

        if let marker = machine.crashKernelMarker {
            // The RAM a kdump kernel does not use is the crashed kernel's, waiting to be saved: never touch it.
            if let warning = PlanWarning(MachineRules.crashKernel(machine)) { warnings.append(warning) }
            var plan = Plan(
                blockSize: blockSize, source: .offlineBlocks, bootEnd: nil, ram: machine.devicetree?.ram ?? RangeSet(), blocks: [], skipped: [],
                split: split, normalFirst: false, warnings: warnings)
            plan.crashKernel = marker
            plan.pageSize = machine.pageSize
            return plan
        }
        let layout = DeferredLayout(machine: machine, warnings: &warnings)
        let presentByIndex = Dictionary(uniqueKeysWithValues: machine.memory.blocks.enumerated().map { ($1.index, $0) })
        let reserved = layout.reserved

        var planned: [Plan.Block] = []
        var skipped: [Plan.Skipped] = []
        var seen = Set<Int>()

        // The node the kernel gives a probed block: probe cannot choose one, the kernel does (ProbeNode). The
        // checked add can: the candidate's.
        let probeNode = ProbeNode.node(for: machine, bootEnd: layout.bootEnd)
        var unreachable: [Int: UInt64] = [:]
        var notCandidates: [AddressRange] = []

        // Blocks to probe: whole blocks of RAM above the boot end.
        for range in layout.probeCandidates {
            let first = Int(range.start / blockSize)
            let last = Int((range.end - 1) / blockSize)
            for index in first...last where !seen.contains(index) {
                let block = AddressRange(start: UInt64(index) * blockSize, end: UInt64(index + 1) * blockSize)
                if let position = presentByIndex[index] {
                    let present = machine.memory.blocks[position]
                    if let lost = Self.bootRemainder(block, present: present, layout: layout, machine: machine) {
                        seen.insert(index)
                        if lost.bytes > 0 { skipped.append(lost) }
                        continue
                    }
                    // Present and online wholly above boot memory: an earlier run's (or another agent's); it stays
                    // in the plan so that every run computes the same split.
                    if present.state == .online {
                        seen.insert(index)
                        planned.append(
                            Plan.Block(index: index, start: block.start, node: present.numaNode ?? 0, zone: .normal, action: .online, alreadyOnline: true))
                    }
                    continue
                }
                guard range.contains(block) else {
                    let covered = block.intersection(range) ?? block
                    skipped.append(Plan.Skipped(range: covered, bytes: covered.size, reason: .partialBlock))
                    continue
                }
                seen.insert(index)
                if let carveOut = reserved.first(where: { $0.range.overlaps(block) }) {
                    skipped.append(Plan.Skipped(range: block, bytes: block.size, reason: .reserved(carveOut.name)))
                    continue
                }
                if let candidates = machine.deferredMemInit?.candidates, !candidates.contains(where: { $0.range.contains(block) }) {
                    skipped.append(Plan.Skipped(range: block, bytes: block.size, reason: .notCandidate))
                    notCandidates.append(block)
                    continue
                }
                // The checked add puts the block on its candidate's node; probe on the node the kernel picks.
                if let deferred = machine.deferredMemInit, deferred.checkedAdd, let candidate = deferred.candidate(holding: block) {
                    planned.append(Plan.Block(index: index, start: block.start, node: candidate.node, zone: .normal, action: .probe))
                    continue
                }
                if let described = machine.devicetree?.numaNode(at: block.start), described != probeNode {
                    unreachable[described, default: 0] += blockSize
                }
                planned.append(Plan.Block(index: index, start: block.start, node: probeNode, zone: .normal, action: .probe))
            }
        }
        if !notCandidates.isEmpty {
            warnings.append(
                PlanWarning(
                    .outsideCandidates,
                    "\(notCandidates.count) block(s) of RAM above the boot end (\(notCandidates.map(\.description).joined(separator: ", "))) are not among the kernel's candidates in \(DeferredMemInit.directory)/\(KernelCandidate.file): something was reserved there before mem= cut memblock (the devicetree blob, an EFI reservation), which no other file shows; left alone"
                ))
        }
        for (node, bytes) in unreachable.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                PlanWarning(
                    .numaNodeViaProbe,
                    "the devicetree puts \(ByteCount.describe(bytes)) of deferred memory on node \(node) (numa-node-id), but probe cannot choose a node: the kernel adds every probed block to node \(probeNode), so the plan does too"
                ))
        }

        // Present blocks that are offline, wherever they are (hot-added DIMMs, virtio-mem, an earlier probe).
        for present in machine.memory.blocks where !seen.contains(present.index) {
            switch present.state {
            case .offline:
                planned.append(
                    Plan.Block(index: present.index, start: UInt64(present.index) * blockSize, node: present.numaNode ?? 0, zone: .normal, action: .online))
            case .goingOffline:
                warnings.append(PlanWarning(.blockGoingOffline, "memory\(present.index) is going offline; left alone"))
            case .online:
                continue
            }
        }
        planned.sort { $0.index < $1.index }

        let normalCount = try normalBlockCount(total: planned.count, blockSize: blockSize, split: split, warnings: &warnings)
        assignZones(&planned, normalCount: normalCount)
        let pageSize = machine.pageSize
        for position in planned.indices where planned[position].zone == .normal {
            let block = planned[position]
            let range = AddressRange(start: block.start, end: block.start + blockSize)
            let name = machine.zoneSpans?.kernelZone(for: range, node: block.node, pageSize: pageSize)
            planned[position].kernelZoneName = name == Zone.normal.rawValue ? nil : name
        }

        let plan = Plan(
            blockSize: blockSize, source: layout.source, bootEnd: layout.bootEnd, ram: layout.ram, blocks: planned,
            skipped: skipped, split: split, normalFirst: false, warnings: warnings)
        return withAdvice(plan, machine: machine)
    }

    /// A present block holding the boot end's remainder: `mem=` ended inside it, or the kernel re-added its image
    /// or initrd above the limit (arm64), so only part of its RAM was added at boot. Such a block is boot memory,
    /// never planned; the map's RAM in it that the kernel did not add is lost until reboot (probe answers
    /// EEXIST for a block that exists). Nil for a block that is not one.
    static func bootRemainder(_ block: AddressRange, present: MemoryBlock, layout: DeferredLayout, machine: Machine) -> Plan.Skipped? {
        guard let bootEnd = layout.bootEnd else { return nil }
        let ramAboveBoot = layout.probeCandidates.intersection(block)
        if block.start < bootEnd {
            // mem= ended inside this block: the kernel has it up to the boot end.
            let managed = machine.systemRAM.map { $0.ram.intersection(block) } ?? RangeSet()
            let lost = ramAboveBoot.subtracting(managed)
            return Plan.Skipped(
                range: lost.ranges.first.map { AddressRange(start: $0.start, end: block.end) } ?? block, bytes: lost.totalSize, reason: .partialBootBlock)
        }
        // Wholly above the boot end and online: re-added at boot if the kernel manages less than the map's RAM
        // there (hot-add always adds whole blocks). Only /proc/iomem can tell.
        guard present.state == .online, let managed = machine.systemRAM?.ram.intersection(block), !managed.isEmpty else { return nil }
        let lost = ramAboveBoot.subtracting(managed)
        guard lost.totalSize > 0 else { return nil }
        return Plan.Skipped(range: block, bytes: lost.totalSize, reason: .presentAtBoot)
    }
}

import MachineSources
import MemoryModel

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
    /// A movable:kernel ratio above this is warned about (memory-hotplug.rst: 3:1 to 4:1 is the safe range).
    package static let movableRatioLimit: UInt64 = 3
    /// A `struct page` per base page: the memmap of `bytes` of memory (1/64 of it with 4 KiB pages, 1/256 with 16 KiB).
    package static func memmapBytes(of bytes: UInt64, pageSize: UInt64) -> UInt64 {
        bytes / pageSize * 64
    }
    /// Free memory kept beyond the memmap: the kernel's min watermark (min_free_kbytes: 1.9 MiB at 256 MiB of
    /// boot memory), what each online keeps back (about 100–270 KiB less than the block came back free on 6.1), and
    /// the daemon's own growth after it read `MemFree` (Docs/reliability.md, "Scarce boot memory", has the figures).
    package static let memmapMargin: UInt64 = 16 << 20
    /// What a probe takes from kernel memory besides the memmap (measured on 6.1 x86: 2048–2108 KiB per 128 MiB
    /// block, 2048 of them memmap): the block's device and sysfs files, its resource and firmware map entries.
    package static let probeOverhead: UInt64 = 64 << 10

    package init() {}

    package func plan(machine: Machine, split: SplitRequest) throws(SourceError) -> Plan {
        let blockSize = machine.memory.blockSize
        var warnings: [PlanWarning] = []
        warnings += machine.commandLine.warnings.map { PlanWarning(.commandLine, $0) }
        warnings += (machine.devicetree?.warnings ?? []).map { PlanWarning(.devicetree, $0) }

        if let marker = machine.crashKernelMarker {
            // The RAM a kdump kernel does not use is the crashed kernel's, waiting to be saved: never touch it.
            warnings.append(
                PlanWarning(
                    .crashKernel,
                    "this is a crash-dump kernel (\(marker)): the memory it does not use belongs to the crashed kernel being dumped; nothing is probed or onlined"
                ))
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

    // MARK: - The split

    /// Kernel rules (mm/mm_init.c): only movablecore → the rest is Normal; only kernelcore → the rest is
    /// Movable; both → kernelcore wins, `max(kernelcore, total − movablecore)`. The kernel zone rounds up.
    /// Amounts larger than the memory are clamped with a warning when `clamp` (the kernel's own request, or a
    /// hot-added burst that happens to be small), and bad input otherwise.
    func normalBlockCount(total: Int, blockSize: UInt64, split: SplitRequest, clamp: Bool? = nil, warnings: inout [PlanWarning]) throws(SourceError) -> Int {
        guard total > 0 else { return 0 }
        let totalBytes = UInt64(total) * blockSize
        func amount(_ request: SizeRequest?, name: String) throws(SourceError) -> UInt64? {
            guard let request else { return nil }
            let bytes = request.bytes(of: totalBytes)
            guard bytes > totalBytes else { return bytes }
            if clamp ?? split.isFromKernel {
                warnings.append(
                    PlanWarning(
                        .splitClamped,
                        "\(split.source): \(name) \(ByteCount.describe(bytes)) is more than the \(ByteCount.describe(totalBytes)) of deferred memory that can be added; clamped, as the kernel clamps it"
                    ))
                return totalBytes
            }
            throw SourceError(
                path: origin(of: split, name: name), value: "\(key(of: split, name: name))=\(request.spelled)",
                expected: "at most the \(ByteCount.describe(totalBytes)) (\(totalBytes) bytes) of deferred memory this machine has")
        }
        let kernel = try amount(split.kernelCore, name: "kernelcore")
        let movable = try amount(split.movableCore, name: "movablecore")
        let kernelBytes: UInt64
        switch (kernel, movable) {
        case (nil, nil): kernelBytes = totalBytes
        case (let k?, nil): kernelBytes = k
        case (nil, let m?): kernelBytes = totalBytes - m
        case (let k?, let m?): kernelBytes = max(k, totalBytes - m)
        }
        return Int((kernelBytes + blockSize - 1) / blockSize)
    }

    /// The key as the source spells it: `MovableCore` in the configuration, `--movablecore` as a flag.
    private func key(of split: SplitRequest, name: String) -> String {
        switch split.source {
        case .flags: "--\(name)"
        case .configuration: name == "kernelcore" ? "KernelCore" : "MovableCore"
        case .deferredMemCommandLine: "deferred_mem.\(name)"
        case .deferredMemInit: "deferred_\(name)"
        case .kernelCommandLine, .none: name
        }
    }

    private func origin(of split: SplitRequest, name: String) -> String {
        switch split.source {
        case .flags: "--\(name)"
        case .configuration(let files): files.last ?? "configuration"
        case .deferredMemCommandLine, .kernelCommandLine: KernelCommandLine.path
        case .deferredMemInit: DeferredMemInit.directory
        case .none: "default"
        }
    }

    /// Spreads the Normal blocks over nodes in proportion to each node's deferred blocks (largest remainder),
    /// then, per node, gives Normal the lowest addresses and Movable the rest.
    func assignZones(_ blocks: inout [Plan.Block], normalCount: Int) {
        let total = blocks.count
        guard total > 0 else { return }
        var positionsByNode: [Int: [Int]] = [:]
        for (position, block) in blocks.enumerated() { positionsByNode[block.node, default: []].append(position) }
        let nodes = positionsByNode.keys.sorted()
        var shares: [Int: Int] = [:]
        var remainders: [(node: Int, remainder: Int)] = []
        var assigned = 0
        for node in nodes {
            let count = positionsByNode[node]?.count ?? 0
            let exact = normalCount * count
            shares[node] = exact / total
            assigned += exact / total
            remainders.append((node, exact % total))
        }
        remainders.sort { ($0.remainder, -$0.node) > ($1.remainder, -$1.node) }
        for entry in remainders.prefix(normalCount - assigned) { shares[entry.node, default: 0] += 1 }
        for node in nodes {
            let share = shares[node] ?? 0
            for (rank, position) in (positionsByNode[node] ?? []).enumerated() {
                blocks[position].zone = rank < share ? .normal : .movable
            }
        }
    }

    // MARK: - The memmap

    /// Free memory against the memmap of the blocks to probe, nil when none is probed. The need follows the
    /// engine's order when memory is tight: Normal blocks first, each probed block onlined before the next probe,
    /// each Normal block's memory usable by the probes after it. Each probe costs its memmap and `probeOverhead`.
    static func memmapBudget(_ blocks: [Plan.Block], blockSize: UInt64, pageSize: UInt64, free: UInt64) -> MemmapBudget? {
        let perBlock = memmapBytes(of: blockSize, pageSize: pageSize)
        let pending = blocks.filter { !$0.alreadyOnline }
        let probes = UInt64(pending.lazy.filter { $0.action == .probe }.count)
        guard probes > 0 else { return nil }
        let memmap = probes * perBlock
        // Held: memmap allocated so far, less the memory Normal blocks brought (signed: Normal blocks may bring more).
        var held: Int64 = 0
        var peak: Int64 = 0
        for block in pending.filter({ $0.zone == .normal }) + pending.filter({ $0.zone == .movable }) {
            if block.action == .probe {
                held += Int64(perBlock + probeOverhead)
                peak = max(peak, held)
            }
            if block.zone == .normal { held -= Int64(blockSize) }
        }
        let need = UInt64(peak) + memmapMargin
        return MemmapBudget(free: free, memmap: memmap, need: need, tight: free < max(memmap * 2, memmap + memmapMargin))
    }

    // MARK: - Warnings

    func withAdvice(_ plan: Plan, machine: Machine) -> Plan {
        var plan = plan
        let pageSize = machine.pageSize
        plan.pageSize = pageSize
        let blockSize = plan.blockSize
        let plannedIndices = Set(plan.blocks.map(\.index))
        var bootKernel: UInt64 = 0, bootMovable: UInt64 = 0
        for block in machine.memory.blocks where block.state == .online && !plannedIndices.contains(block.index) {
            if block.onlineZone == .movable { bootMovable += blockSize } else { bootKernel += blockSize }
        }
        let kernel = bootKernel + plan.bytes(in: .normal)
        let movable = bootMovable + plan.bytes(in: .movable)
        if movable > 0 && movable > kernel * Self.movableRatioLimit {
            let ratio = ByteCount.oneDecimal(numerator: movable, denominator: max(kernel, 1))
            plan.warnings.append(
                PlanWarning(
                    .movableRatio,
                    "MOVABLE:KERNEL ratio \(ratio):1 is above 3:1 (\(ByteCount.describe(movable)) movable, \(ByteCount.describe(kernel)) kernel); the kernel may run out of unmovable memory while ZONE_MOVABLE is free"
                ))
        }
        let probeBytes = UInt64(plan.blocks.lazy.filter { $0.action == .probe && !$0.alreadyOnline }.count) * blockSize
        // MemFree less ZONE_MOVABLE's free pages (a boot with kernelcore= or movable_node has some): GFP_KERNEL only.
        let movableFree = machine.zoneSpans?.movableFreeBytes(pageSize: pageSize) ?? 0
        if machine.deferredMemInit?.addsHostTheirMemmap != true, let meminfo = machine.meminfo,
            let budget = Self.memmapBudget(
                plan.blocks, blockSize: blockSize, pageSize: pageSize, free: meminfo.memFree - min(movableFree, meminfo.memFree))
        {
            plan.memmapBudget = budget
            let figures =
                "free memory \(ByteCount.describe(budget.free)) against the \(ByteCount.describe(budget.memmap)) memmap of the \(ByteCount.describe(probeBytes)) to probe (taken from online kernel memory at each probe)"
            if budget.tight { plan.normalFirst = true }
            if !budget.fits {
                plan.warnings.append(
                    PlanWarning(
                        .memmapCannotFit,
                        "\(figures): the plan needs \(ByteCount.describe(budget.need)) free at start, \(ByteCount.describe(budget.need - budget.free)) more, even with Normal blocks first; nothing is probed or onlined"
                    ))
            } else if budget.tight {
                plan.warnings.append(
                    PlanWarning(
                        .memmapHeadroom,
                        "\(figures) is tight; Normal blocks are onlined first, each probe followed by its online: the plan needs \(ByteCount.describe(budget.need)) free at start"
                    ))
            }
        }
        if plan.needsProbe {
            if let mode = machine.memory.autoOnlineBlocks, mode != "offline" {
                plan.warnings.append(
                    PlanWarning(
                        .autoOnlineBlocks, "auto_online_blocks is '\(mode)': the kernel would online each probed block itself, in its own choice of zone"))
            }
            if !machine.memory.hasProbe {
                plan.warnings.append(
                    PlanWarning(
                        .noProbeFile,
                        "no /sys/devices/system/memory/probe (CONFIG_ARCH_MEMORY_PROBE is off): the \(plan.blocks.filter { $0.action == .probe }.count) blocks that need probing cannot be added"
                    ))
            }
        }
        if machine.commandLine.movableNode {
            plan.warnings.append(
                PlanWarning(
                    .movableNode,
                    "movable_node is on the kernel command line: memory the firmware marks hotpluggable was put in ZONE_MOVABLE at boot, and blocks others online with plain 'online' go there too; the ratio above counts what is online now"
                ))
        }
        if let state = machine.commandLine.memhpDefaultState, state != "offline" {
            plan.warnings.append(
                PlanWarning(
                    .memhpDefaultState,
                    "memhp_default_state=\(state) on the kernel command line: hot-added memory is onlined by the kernel in its own choice of zone before the daemon sees it"
                ))
        } else if machine.commandLine.memhpDefaultState == nil, !plan.needsProbe, let mode = machine.memory.autoOnlineBlocks, mode != "offline" {
            // The kernel's build default (CONFIG_MHP_DEFAULT_ONLINE_TYPE_*, before 6.14 MEMORY_HOTPLUG_DEFAULT_ONLINE):
            // Debian's 6.12 and later build it as "auto", so DIMMs present at boot are online before the daemon starts.
            // (Blocks to probe have their own warning, and AutoOnline=switch.)
            plan.warnings.append(
                PlanWarning(
                    .memhpDefaultState,
                    "no memhp_default_state= on the kernel command line and auto_online_blocks is '\(mode)' (the kernel's build default): hot-added memory and DIMMs present at boot are onlined by the kernel in its own choice of zone before the daemon sees it"
                ))
        }
        if machine.commandLine.kernelCoreMirror {
            plan.warnings.append(PlanWarning(.kernelcoreMirror, "kernelcore=mirror is a boot-time policy, not an amount; ignored for deferred memory"))
        }
        if let warning = Self.hashTableWarning(
            boot: bootKernel + bootMovable, full: bootKernel + bootMovable + plan.bytes(in: .normal) + plan.bytes(in: .movable), machine: machine)
        {
            plan.warnings.append(warning)
        }
        return plan
    }

    /// The tables the kernel sized for `boot` bytes that would be larger for `full`, unless the command line sizes
    /// them: each with its entries now and the value that sizes it for all the memory at the next boot.
    static func hashTableWarning(boot: UInt64, full: UInt64, machine: Machine) -> PlanWarning? {
        guard full > boot, boot > 0 else { return nil }
        let pageSize = machine.pageSize
        let small = HashTable.all.compactMap { table -> (HashTable, UInt64, UInt64)? in
            guard !machine.commandLine.hashEntries.contains(table.parameter) else { return nil }
            let now = table.entries(ramBytes: boot, pageSize: pageSize), wanted = table.entries(ramBytes: full, pageSize: pageSize)
            return wanted > now ? (table, now, wanted) : nil
        }
        guard !small.isEmpty else { return nil }
        let tables = small.map { "\($0.0.name) \($0.1) entries (\($0.2) for all of it)" }.joined(separator: ", ")
        let words = small.map { "\($0.0.parameter)=\($0.2)" }.joined(separator: " ")
        return PlanWarning(
            .bootSizedHashTables,
            "hash tables sized at boot for \(ByteCount.describe(boot)) and fixed for good: \(tables); for the next boot, sized for \(ByteCount.describe(full)): \(words)"
        )
    }
}

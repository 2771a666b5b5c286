import MachineSources
import MemoryModel
import Settings

/// Which zone memory hot-added at runtime goes to (`deferred-memd watch`).
///
/// Both policies decide per burst of blocks (one DIMM, one virtio-mem resize) and per node, and give a burst's
/// Normal share the lower addresses, so zones never interleave inside what was added together.
package enum HotAddPolicy: Sendable, Equatable {
    /// The configured split, applied to each burst: percentages of the burst; amounts clamped to it.
    case split(SplitRequest)
    /// Like the kernel's `memory_hotplug.online_policy=auto-movable`: a node's burst goes to ZONE_MOVABLE
    /// as a whole when the MOVABLE:KERNEL ratio stays at or under `ratioPercent` afterwards (globally, and per
    /// node when `perNode`), else to the kernel zone as a whole, as the kernel treats a DIMM (a static memory
    /// group). As in the kernel, kernel memory added later does not raise the allowance: `KERNEL` is the
    /// kernel-zone memory online when watching started (`AutoMovableBaseline`).
    case autoMovable(ratioPercent: UInt64, perNode: Bool, baseline: AutoMovableBaseline)

    package static let defaultRatioPercent: UInt64 = 301

    /// The plan for one burst: `burst` are the offline blocks to online, `directory` the blocks as they are now.
    package func plan(burst: [MemoryBlock], directory: MemoryBlockDirectory) -> Plan {
        let blockSize = directory.blockSize
        var blocks = burst.sorted { $0.index < $1.index }.map {
            Plan.Block(index: $0.index, start: UInt64($0.index) * blockSize, node: $0.numaNode ?? 0, zone: .normal, action: .online)
        }
        var warnings: [PlanWarning] = []
        let split: SplitRequest
        switch self {
        case .split(let request):
            split = request
            let planner = Planner()
            // Amounts are clamped to the burst, never an error: a burst is an event, not the user's input.
            let normal =
                (try? planner.normalBlockCount(total: blocks.count, blockSize: blockSize, split: request, clamp: true, warnings: &warnings)) ?? blocks.count
            planner.assignZones(&blocks, normalCount: normal)
        case .autoMovable(let ratio, let perNode, let baseline):
            split = SplitRequest(kernelCore: nil, movableCore: nil, source: .none)
            var movable = AutoMovableBaseline.movableBytes(directory)
            var burstBytes: [Int: UInt64] = [:]
            for block in blocks { burstBytes[block.node, default: 0] += blockSize }
            for node in burstBytes.keys.sorted() {
                let adding = burstBytes[node] ?? 0
                let globalFits = movable.total + adding <= baseline.kernel.total * ratio / 100
                let nodeFits = !perNode || (movable.byNode[node] ?? 0) + adding <= (baseline.kernel.byNode[node] ?? 0) * ratio / 100
                let zone: Zone = globalFits && nodeFits ? .movable : .normal
                for position in blocks.indices where blocks[position].node == node { blocks[position].zone = zone }
                if zone == .movable {
                    movable.total += adding
                    movable.byNode[node, default: 0] += adding
                }
            }
        }
        return Plan(
            blockSize: blockSize, source: .offlineBlocks, bootEnd: nil, ram: RangeSet(), blocks: blocks, skipped: [],
            split: split, normalFirst: true, warnings: warnings)
    }
}

import MachineSources
import MemoryModel

/// How much memory each node has in the kernel zones and in ZONE_MOVABLE once the plan is carried out: the
/// planned blocks in their planned zones, every other online block (boot memory) in the zone it is in.
package struct ZoneBalance: Sendable, Equatable {
    /// A movable:kernel ratio above this is warned about (memory-hotplug.rst: 3:1 to 4:1 is the safe range).
    package static let movableRatioLimit: UInt64 = 3

    package var kernel: [Int: UInt64] = [:]
    package var movable: [Int: UInt64] = [:]
    /// Of those, what was online before the plan: boot memory.
    package var bootBytes: UInt64 = 0

    package init(machine: Machine, plan: Plan) {
        let planned = Set(plan.blocks.map(\.index))
        for block in machine.memory.blocks where block.state == .online && !planned.contains(block.index) {
            if block.onlineZone == .movable {
                movable[block.numaNode ?? 0, default: 0] += plan.blockSize
            } else {
                kernel[block.numaNode ?? 0, default: 0] += plan.blockSize
            }
            bootBytes += plan.blockSize
        }
        for block in plan.blocks {
            if block.zone == .movable { movable[block.node, default: 0] += plan.blockSize } else { kernel[block.node, default: 0] += plan.blockSize }
        }
    }

    package var kernelBytes: UInt64 { kernel.values.reduce(0, +) }
    package var movableBytes: UInt64 { movable.values.reduce(0, +) }

    /// `node 0 6.8:1, node 1 0.0:1`.
    package var perNode: String {
        Set(kernel.keys).union(movable.keys).sorted().map { node in
            "node \(node) \(ByteCount.oneDecimal(numerator: movable[node] ?? 0, denominator: max(kernel[node] ?? 0, 1))):1"
        }.joined(separator: ", ")
    }

    /// Whole-machine MOVABLE:KERNEL against `movableRatioLimit`: warn above it.
    package var finding: Finding {
        let kernel = kernelBytes, movable = movableBytes
        guard movable > 0 && movable > kernel * Self.movableRatioLimit else {
            return Finding(.ok, .movableRatio, "MOVABLE:KERNEL \(perNode.isEmpty ? "no memory" : perNode), at most \(Self.movableRatioLimit):1")
        }
        let ratio = ByteCount.oneDecimal(numerator: movable, denominator: max(kernel, 1))
        return Finding(
            .warn, .movableRatio,
            "MOVABLE:KERNEL ratio \(ratio):1 is above \(Self.movableRatioLimit):1 (\(ByteCount.describe(movable)) movable, \(ByteCount.describe(kernel)) kernel; \(perNode)); the kernel may run out of unmovable memory while ZONE_MOVABLE is free"
        )
    }
}

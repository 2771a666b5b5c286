import MachineSources
import MemoryModel

/// The kernel-zone memory the auto-movable ratio is measured against, taken once when watching starts.
package struct AutoMovableBaseline: Sendable, Equatable {
    package var kernel: NodeBytes

    package init(kernel: NodeBytes) {
        self.kernel = kernel
    }

    /// Online blocks not in ZONE_MOVABLE (blocks spanning zones, `none`, count as kernel memory).
    package init(directory: MemoryBlockDirectory) {
        kernel = Self.onlineBytes(directory) { $0 != .movable }
    }

    static func movableBytes(_ directory: MemoryBlockDirectory) -> NodeBytes {
        onlineBytes(directory) { $0 == .movable }
    }

    /// Bytes of online blocks whose zone satisfies `zone`, per node and in all.
    static func onlineBytes(_ directory: MemoryBlockDirectory, zone: (Zone?) -> Bool) -> NodeBytes {
        var bytes = NodeBytes()
        for block in directory.blocks where block.state == .online && zone(block.onlineZone) {
            bytes.total += directory.blockSize
            bytes.byNode[block.numaNode ?? 0, default: 0] += directory.blockSize
        }
        return bytes
    }
}

import MemoryModel

/// Bytes per node and in all.
package struct NodeBytes: Sendable, Equatable {
    package var total: UInt64 = 0
    package var byNode: [Int: UInt64] = [:]

    package init(total: UInt64 = 0, byNode: [Int: UInt64] = [:]) {
        self.total = total
        self.byNode = byNode
    }
}

import MachineSources
import MemoryModel

/// Bytes per node and in all.
public struct NodeBytes: Sendable, Equatable {
    public var total: UInt64 = 0
    public var byNode: [Int: UInt64] = [:]

    public init(total: UInt64 = 0, byNode: [Int: UInt64] = [:]) {
        self.total = total
        self.byNode = byNode
    }
}

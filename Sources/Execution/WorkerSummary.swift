import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// One worker's share of the run, for the report.
public struct WorkerSummary: Sendable, Equatable {
    public var name: String
    public var node: Int?
    public var zone: Zone?
    public var blocks: Int
    /// Wall time from the worker's first block to its last.
    public var busyNanoseconds: UInt64
    /// Time inside kernel writes.
    public var writeNanoseconds: UInt64
    public var cpus: [Int]
    public var priority: WorkerPriority
}

import KernelFiles
import Logging
import MemoryModel
import Planning
import Settings
import Synchronization

/// One worker's share of the run, for the report.
package struct WorkerSummary: Sendable, Equatable {
    package var name: String
    package var node: Int?
    package var zone: Zone?
    package var blocks: Int
    /// Of those, the ones it brought online (or found online): for its log line.
    package var onlined: Int
    /// Wall time from the worker's first block to its last.
    package var busyNanoseconds: UInt64
    /// Time inside kernel writes.
    package var writeNanoseconds: UInt64
    package var cpus: [Int]
    package var priority: WorkerPriority
}

import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// How the engine spreads the work over threads.
package struct EngineOptions: Sendable, Equatable {
    package var workers: WorkerMode
    /// Serialise kernel writes in userspace (see `WriteGate`). Meaningful with `perZone` only.
    package var gate: Bool
    package var retry: RetryPolicy
    /// CPUs per zone worker (absent: inherit). The serial worker takes the Normal entry.
    package var cpus: [Zone: [Int]]
    /// Scheduling per zone worker (absent: inherit). The serial worker takes the Normal entry.
    package var priority: [Zone: WorkerPriority]

    package init(
        workers: WorkerMode = .serial, gate: Bool = true, retry: RetryPolicy = RetryPolicy(), cpus: [Zone: [Int]] = [:], priority: [Zone: WorkerPriority] = [:]
    ) {
        self.workers = workers
        self.gate = gate
        self.retry = retry
        self.cpus = cpus
        self.priority = priority
    }
}

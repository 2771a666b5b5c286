import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// How the engine spreads the work over threads.
public struct EngineOptions: Sendable, Equatable {
    public var workers: WorkerMode
    /// Serialise kernel writes in userspace (see `WriteGate`). Meaningful with `perZone` only.
    public var gate: Bool
    public var retry: RetryPolicy
    /// CPUs per zone worker (absent: inherit). The serial worker takes the Normal entry.
    public var cpus: [Zone: [Int]]
    /// Scheduling per zone worker (absent: inherit). The serial worker takes the Normal entry.
    public var priority: [Zone: WorkerPriority]

    public init(workers: WorkerMode = .serial, gate: Bool = true, retry: RetryPolicy = RetryPolicy(), cpus: [Zone: [Int]] = [:], priority: [Zone: WorkerPriority] = [:]) {
        self.workers = workers
        self.gate = gate
        self.retry = retry
        self.cpus = cpus
        self.priority = priority
    }
}

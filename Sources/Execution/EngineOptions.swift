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
    /// As asked; nil: automatic (see `effectiveProbeMethod`).
    package var probeMethod: ProbeMethod?

    package init(
        workers: WorkerMode = .serial, gate: Bool = true, retry: RetryPolicy = RetryPolicy(), cpus: [Zone: [Int]] = [:], priority: [Zone: WorkerPriority] = [:],
        probeMethod: ProbeMethod? = nil
    ) {
        self.probeMethod = probeMethod
        self.workers = workers
        self.gate = gate
        self.retry = retry
        self.cpus = cpus
        self.priority = priority
    }

    /// One kernel write per block needs `auto_online_blocks` to hold the zone being probed, and there is one
    /// `auto_online_blocks` for the whole machine: per-zone workers probing Normal and Movable blocks at the same
    /// time would each need it to hold their own zone. So auto-zone is the serial worker's (its default there:
    /// measured faster, Docs/performance.md); per-zone workers keep two writes, whatever was asked.
    package var effectiveProbeMethod: ProbeMethod {
        guard workers == .serial else { return .twoWrite }
        return probeMethod ?? .autoZone
    }
}

import KernelFiles
import Logging
import MemoryModel
import Planning
import Settings
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

    /// The checked add where the kernel offers it (`kernelHasCheckedAdd`) and nothing else is asked for: one write
    /// per block, checked by the kernel, any worker mode. Else two writes unless auto-zone is asked for, and
    /// auto-zone only with the serial worker: one kernel write per block needs `auto_online_blocks` to hold the zone
    /// being probed, and there is one `auto_online_blocks` for the whole machine, which per-zone workers probing
    /// Normal and Movable blocks at once cannot share. Auto-zone is not the default: it measured no faster on the
    /// real kernel (the kernel's work is the same), and while it holds a zone, memory hot-added by anyone else is
    /// onlined there by the kernel (Docs/performance.md). A checked add asked of a kernel without it: two writes.
    package func effectiveProbeMethod(kernelHasCheckedAdd: Bool) -> ProbeMethod {
        switch probeMethod {
        case nil, .checkedAdd: kernelHasCheckedAdd ? .checkedAdd : .twoWrite
        case .autoZone: workers == .serial ? .autoZone : .twoWrite
        case .twoWrite: .twoWrite
        }
    }
}

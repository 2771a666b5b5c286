import Execution
import MachineSources
import MemoryModel

/// How the zone workers run, as asked on the command line: mode, gate, and each zone worker's CPUs and
/// priority, parsed. Unset values fall back to the configuration's `[Run]` and `[Workers]` keys.
package struct WorkerSelection: Sendable, Equatable {
    package var workers: WorkerMode?
    package var gate: Bool?
    package var normalCPUs: [Int]?
    package var movableCPUs: [Int]?
    package var normalPriority: WorkerPriority?
    package var movablePriority: WorkerPriority?
    package var probeMethod: ProbeMethod?

    package init(
        workers: WorkerMode? = nil, gate: Bool? = nil, normalCPUs: [Int]? = nil, movableCPUs: [Int]? = nil, normalPriority: WorkerPriority? = nil,
        movablePriority: WorkerPriority? = nil, probeMethod: ProbeMethod? = nil
    ) {
        self.probeMethod = probeMethod
        self.workers = workers
        self.gate = gate
        self.normalCPUs = normalCPUs
        self.movableCPUs = movableCPUs
        self.normalPriority = normalPriority
        self.movablePriority = movablePriority
    }

    package func engineOptions(_ configuration: Configuration) -> EngineOptions {
        var cpus: [Zone: [Int]] = [:]
        cpus[.normal] = normalCPUs ?? configuration.normalCPUs
        cpus[.movable] = movableCPUs ?? configuration.movableCPUs
        let shared = configuration.nice.map(WorkerPriority.nice)
        var priority: [Zone: WorkerPriority] = [:]
        priority[.normal] = normalPriority ?? configuration.normalPriority ?? shared
        priority[.movable] = movablePriority ?? configuration.movablePriority ?? shared
        return EngineOptions(
            workers: workers ?? configuration.workers ?? .serial, gate: gate ?? configuration.gate ?? true, cpus: cpus, priority: priority,
            probeMethod: probeMethod ?? configuration.probeMethod)
    }
}

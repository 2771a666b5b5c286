import Execution
import MachineSources
import MemoryModel
import Settings

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

    /// As `engineOptions(_:)`, and where no CPU list is given for either zone on a machine whose CPUs differ in
    /// capacity (big.LITTLE), both zone workers on the CPUs of the highest capacity; `fastest` says so.
    package func engineOptions(_ configuration: Configuration, capacities: CPUCapacities?) -> (options: EngineOptions, fastest: (cpus: [Int], capacity: Int)?) {
        var options = engineOptions(configuration)
        guard options.cpus[.normal] == nil, options.cpus[.movable] == nil, let fastest = capacities?.fastest else { return (options, nil) }
        options.cpus[.normal] = fastest.cpus
        options.cpus[.movable] = fastest.cpus
        return (options, fastest)
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

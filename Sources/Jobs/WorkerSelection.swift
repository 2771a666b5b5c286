import Execution
import MachineSources
import MemoryModel

/// How the zone workers run, as asked on the command line: mode, gate, and each zone worker's CPUs and
/// priority, parsed. Unset values fall back to the configuration's `[Run]` and `[Workers]` keys.
public struct WorkerSelection: Sendable, Equatable {
    public var workers: WorkerMode?
    public var gate: Bool?
    public var normalCPUs: [Int]?
    public var movableCPUs: [Int]?
    public var normalPriority: WorkerPriority?
    public var movablePriority: WorkerPriority?

    public init(workers: WorkerMode? = nil, gate: Bool? = nil, normalCPUs: [Int]? = nil, movableCPUs: [Int]? = nil, normalPriority: WorkerPriority? = nil, movablePriority: WorkerPriority? = nil) {
        self.workers = workers
        self.gate = gate
        self.normalCPUs = normalCPUs
        self.movableCPUs = movableCPUs
        self.normalPriority = normalPriority
        self.movablePriority = movablePriority
    }

    public func engineOptions(_ configuration: Configuration) -> EngineOptions {
        var cpus: [Zone: [Int]] = [:]
        cpus[.normal] = normalCPUs ?? configuration.normalCPUs
        cpus[.movable] = movableCPUs ?? configuration.movableCPUs
        let shared = configuration.nice.map(WorkerPriority.nice)
        var priority: [Zone: WorkerPriority] = [:]
        priority[.normal] = normalPriority ?? configuration.normalPriority ?? shared
        priority[.movable] = movablePriority ?? configuration.movablePriority ?? shared
        return EngineOptions(workers: workers ?? configuration.workers ?? .serial, gate: gate ?? configuration.gate ?? true, cpus: cpus, priority: priority)
    }
}

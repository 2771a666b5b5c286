import Execution
import MachineSources
import MemoryModel

/// How the zone workers run, as asked on the command line: mode, gate, and each zone worker's CPUs and
/// priority. Unset values fall back to the configuration's `[Run]` and `[Workers]` keys.
public struct WorkerSelection: Sendable, Equatable {
    public var workers: EngineOptions.Workers?
    public var gate: Bool?
    public var normalCPUs: String?
    public var movableCPUs: String?
    public var normalPriority: String?
    public var movablePriority: String?

    public init(workers: EngineOptions.Workers? = nil, gate: Bool? = nil, normalCPUs: String? = nil, movableCPUs: String? = nil, normalPriority: String? = nil, movablePriority: String? = nil) {
        self.workers = workers
        self.gate = gate
        self.normalCPUs = normalCPUs
        self.movableCPUs = movableCPUs
        self.normalPriority = normalPriority
        self.movablePriority = movablePriority
    }

    /// What is wrong with the values, as a usage message, or nil.
    public var problem: String? {
        for (name, value) in [("--normal-cpus", normalCPUs), ("--movable-cpus", movableCPUs)] {
            if let value, CPUList.parse(Substring(value)) == nil { return "\(name) '\(value)': expected a CPU list such as 4-7 or 0,2,4" }
        }
        for (name, value) in [("--normal-priority", normalPriority), ("--movable-priority", movablePriority)] {
            if let value, WorkerPriority(parsing: Substring(value)) == nil { return "\(name) '\(value)': expected \(WorkerPriority.expected)" }
        }
        return nil
    }

    public func engineOptions(_ configuration: Configuration) -> EngineOptions {
        var cpus: [Zone: [Int]] = [:]
        cpus[.normal] = (normalCPUs ?? configuration.normalCPUs).flatMap { CPUList.parse(Substring($0)) }
        cpus[.movable] = (movableCPUs ?? configuration.movableCPUs).flatMap { CPUList.parse(Substring($0)) }
        let shared = configuration.nice.map(WorkerPriority.nice)
        var priority: [Zone: WorkerPriority] = [:]
        priority[.normal] = normalPriority.flatMap { WorkerPriority(parsing: Substring($0)) } ?? configuration.normalPriority ?? shared
        priority[.movable] = movablePriority.flatMap { WorkerPriority(parsing: Substring($0)) } ?? configuration.movablePriority ?? shared
        // Serial by default: measured fastest on upstream kernels, which run every probe and online under one
        // lock (Docs/performance.md); per-zone pays off on kernels that online zones in parallel.
        let mode = workers ?? configuration.workers.flatMap(EngineOptions.Workers.init(rawValue:)) ?? .serial
        return EngineOptions(workers: mode, gate: gate ?? configuration.gate ?? true, cpus: cpus, priority: priority)
    }
}

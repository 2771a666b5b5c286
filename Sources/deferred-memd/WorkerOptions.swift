import ArgumentParser
import Execution
import MachineSources
import MemoryModel

/// How the zone workers run: mode, gate, and each zone worker's CPUs and priority. Flags beat the
/// configuration's `[Run]` and `[Workers]` keys.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Worker mode: serial (default; one thread, fastest on upstream kernels) or per-zone (one thread per node and zone, for kernels that online zones in parallel).") var workers: EngineOptions.Workers?
    @Flag(inversion: .prefixedNo, help: "Serialise kernel writes in userspace (per-zone mode); --no-gate for kernels that online zones in parallel.") var gate: Bool?
    @Option(name: .customLong("normal-cpus"), help: ArgumentHelp("CPUs for the Normal zone workers (and the serial worker), e.g. 4-7.", valueName: "cpu-list")) var normalCPUs: String?
    @Option(name: .customLong("movable-cpus"), help: ArgumentHelp("CPUs for the Movable zone workers, e.g. 4-7.", valueName: "cpu-list")) var movableCPUs: String?
    @Option(help: ArgumentHelp("Normal zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).", valueName: "nice|idle")) var normalPriority: String?
    @Option(help: ArgumentHelp("Movable zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).", valueName: "nice|idle")) var movablePriority: String?

    func validate() throws {
        for (name, value) in [("--normal-cpus", normalCPUs), ("--movable-cpus", movableCPUs)] {
            if let value, CPUList.parse(Substring(value)) == nil { throw ValidationError("\(name) '\(value)': expected a CPU list such as 4-7 or 0,2,4") }
        }
        for (name, value) in [("--normal-priority", normalPriority), ("--movable-priority", movablePriority)] {
            if let value, WorkerPriority(parsing: Substring(value)) == nil { throw ValidationError("\(name) '\(value)': expected \(WorkerPriority.expected)") }
        }
    }

    func engineOptions(_ configuration: Configuration) -> EngineOptions {
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

extension EngineOptions.Workers: ExpressibleByArgument {}

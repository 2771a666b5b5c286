import ArgumentParser
import Jobs
import Execution

/// The worker flags on the command line; the values and their meaning are `WorkerSelection`'s.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Worker mode: serial (default; one thread, fastest on upstream kernels) or per-zone (one thread per node and zone, for kernels that online zones in parallel).") var workers: EngineOptions.Workers?
    @Flag(inversion: .prefixedNo, help: "Serialise kernel writes in userspace (per-zone mode); --no-gate for kernels that online zones in parallel.") var gate: Bool?
    @Option(name: .customLong("normal-cpus"), help: ArgumentHelp("CPUs for the Normal zone workers (and the serial worker), e.g. 4-7.", valueName: "cpu-list")) var normalCPUs: String?
    @Option(name: .customLong("movable-cpus"), help: ArgumentHelp("CPUs for the Movable zone workers, e.g. 4-7.", valueName: "cpu-list")) var movableCPUs: String?
    @Option(help: ArgumentHelp("Normal zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).", valueName: "nice|idle")) var normalPriority: String?
    @Option(help: ArgumentHelp("Movable zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).", valueName: "nice|idle")) var movablePriority: String?

    var selection: WorkerSelection {
        WorkerSelection(workers: workers, gate: gate, normalCPUs: normalCPUs, movableCPUs: movableCPUs, normalPriority: normalPriority, movablePriority: movablePriority)
    }

    func validate() throws {
        if let problem = selection.problem { throw ValidationError(problem) }
    }
}

extension EngineOptions.Workers: ExpressibleByArgument {}

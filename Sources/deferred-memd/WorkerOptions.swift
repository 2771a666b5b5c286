import ArgumentParser
import Jobs
import MachineSources
import Settings

/// The worker flags on the command line; the values and their meaning are `WorkerSelection`'s.
struct WorkerOptions: ParsableArguments {
    @Option(
        help:
            "Worker mode: serial (default; one thread, fastest on upstream kernels) or per-zone (one thread per node and zone, for kernels that online zones in parallel)."
    ) var workers: WorkerMode?
    @Flag(inversion: .prefixedNo, help: "Serialise kernel writes in userspace (per-zone mode); --no-gate for kernels that online zones in parallel.") var gate:
        Bool?
    @Option(
        name: .customLong("normal-cpus"),
        help: ArgumentHelp(
            "CPUs for the Normal zone workers (and the serial worker), e.g. 4-7; unset on a big.LITTLE machine: the CPUs of the highest capacity.",
            valueName: "cpu-list"),
        transform: Self.cpus) var normalCPUs: [Int]?
    @Option(name: .customLong("movable-cpus"), help: ArgumentHelp("CPUs for the Movable zone workers, e.g. 4-7.", valueName: "cpu-list"), transform: Self.cpus)
    var movableCPUs: [Int]?
    @Option(help: ArgumentHelp("Normal zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).", valueName: "nice|idle"), transform: Self.priority)
    var normalPriority: WorkerPriority?
    @Option(help: ArgumentHelp("Movable zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).", valueName: "nice|idle"), transform: Self.priority)
    var movablePriority: WorkerPriority?
    @Option(
        help:
            "How an absent block is added and onlined: checked-add (the vendor kernel's deferred_mem_init/online, one write per block on its devicetree node; the default where the kernel has it), auto-zone (auto_online_blocks set to its zone, one write per block; serial worker, Linux 5.7+) or two-write (probe, then state; the default otherwise)."
    ) var probeMethod: ProbeMethod?

    var selection: WorkerSelection {
        WorkerSelection(
            workers: workers, gate: gate, normalCPUs: normalCPUs, movableCPUs: movableCPUs, normalPriority: normalPriority, movablePriority: movablePriority,
            probeMethod: probeMethod)
    }

    static func cpus(_ text: String) throws -> [Int] {
        guard let cpus = CPUList.parse(Substring(text)) else { throw ValidationError("'\(text)': expected \(CPUList.expected)") }
        return cpus
    }

    static func priority(_ text: String) throws -> WorkerPriority {
        guard let priority = WorkerPriority(parsing: Substring(text)) else { throw ValidationError("'\(text)': expected \(WorkerPriority.expected)") }
        return priority
    }
}

extension WorkerMode: ExpressibleByArgument {}
extension ProbeMethod: ExpressibleByArgument {}

import MachineSources
import Settings

extension WorkerSelection {
    /// How the zone workers run and how blocks are added: `run` and `watch`.
    package static let options = OptionTable<WorkerSelection>([
        .choice(
            "workers",
            help:
                "Worker mode: serial (default; one thread, fastest on upstream kernels) or per-zone (one thread per node and zone, for kernels that online zones in parallel)."
        ) { $0.workers = $1 },
        .flag("gate", help: "Serialise kernel writes in userspace (per-zone mode; the default).") { $0.gate = true },
        .flag("no-gate", help: "Do not serialise kernel writes: for kernels that online zones in parallel.") { $0.gate = false },
        .value(
            "normal-cpus", "LIST",
            help: "CPUs for the Normal zone workers (and the serial worker), e.g. 4-7; unset on a big.LITTLE machine: the CPUs of the highest capacity.",
            parse: { CPUList.parse(Substring($0)) }, expected: CPUList.expected
        ) { $0.normalCPUs = $1 },
        .value(
            "movable-cpus", "LIST", help: "CPUs for the Movable zone workers, e.g. 4-7.", parse: { CPUList.parse(Substring($0)) }, expected: CPUList.expected
        ) {
            $0.movableCPUs = $1
        },
        .value(
            "normal-priority", "NICE|idle", help: "Normal zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).",
            parse: { WorkerPriority(parsing: Substring($0)) }, expected: WorkerPriority.expected
        ) { $0.normalPriority = $1 },
        .value(
            "movable-priority", "NICE|idle", help: "Movable zone worker priority: a nice value (-20..19) or idle (SCHED_IDLE).",
            parse: { WorkerPriority(parsing: Substring($0)) }, expected: WorkerPriority.expected
        ) { $0.movablePriority = $1 },
        .choice(
            "probe-method",
            help:
                "How an absent block is added and onlined: checked-add (the vendor kernel's deferred_mem_init/online, one write per block on its devicetree node; the default where the kernel has it), auto-zone (auto_online_blocks set to its zone, one write per block; serial worker, Linux 5.7+) or two-write (probe, then state; the default otherwise)."
        ) { $0.probeMethod = $1 },
    ])
}

import KernelSimulation
import Logging
import Settings

extension RunJob {
    /// Every option of `run`, in the order help lists them.
    package static let options =
        OptionTable<RunJob>(
            MachineSelection.options,
            [
                .flag(
                    "dry-run",
                    help: "Run the engine against a recording kernel: print the writes the run makes (a shell script; --json: a list), and write nothing."
                ) { $0.dryRun = true },
                .flag("json", help: "Print the report (or the dry run's writes) as JSON on stdout.") { $0.json = true },
            ]
        ) { job, set in set(&job.machine) }
        + OptionTable(WorkerSelection.options) { job, set in set(&job.placement) }
        + OptionTable([
            .choice("auto-online", help: "When auto_online_blocks is not offline: switch (off for the run, then restored) or refuse.") { $0.autoOnline = $1 },
            .metricsDirectory(for: "run") { $0.metricsDirectory = $1 },
            .logLevel { $0.logLevel = $1 },
            .flag("simulate", help: "Run against the tree at --sysroot with the simulated kernel standing in for the writes.") { $0.simulate = true },
            .value(
                "latency-ms-per-gib", "MS", help: "Simulated kernel time per GiB (probe + online), in milliseconds; default 30.", parse: { Double($0) },
                expected: "a number of milliseconds"
            ) { $0.latencyMsPerGib = $1 },
            .choice("lock-model", help: "Simulated kernel lock model: global (upstream; default) or per-zone (vendor kernel).") { $0.lockModel = $1 },
            .value(
                "fault", "STAGE:BLOCK:ERRNO:COUNT",
                help:
                    "Simulated fault, e.g. online:20:EBUSY:2, probe:5:ENOMEM:forever, or online:*:ENOMEM:forever (every block, as the kernel's notifier error injection). Repeatable.",
                parse: SimulatedKernel.Fault.init(parsing:), expected: "STAGE:BLOCK:ERRNO:COUNT, such as online:20:EBUSY:2"
            ) { $0.faults.append($1) },
        ])

    /// `run` as its options say, their combination checked.
    package static func parse(_ arguments: some Sequence<String>) throws(OptionError) -> RunJob {
        let job = try options.parse(arguments, onto: RunJob())
        if let problem = job.problem { throw OptionError("", .combination(problem)) }
        return job
    }
}

extension CommandOption {
    /// `--metrics-directory DIR`, which `run` and `rescue` take.
    static func metricsDirectory(for command: String, _ set: @escaping @Sendable (inout Job, MetricsDirectory) -> Void) -> Self {
        .value(
            "metrics-directory", "DIR",
            help: "Write Prometheus metrics to DIR/deferred-memd-\(command).prom (node_exporter's textfile directory), over [Metrics] Directory=.",
            parse: { MetricsDirectory(parsing: Substring($0)) }, expected: MetricsDirectory.expected, set)
    }

    /// `--log-level LEVEL`.
    static func logLevel(_ set: @escaping @Sendable (inout Job, Logger.Level) -> Void) -> Self {
        .choice("log-level", help: "Log level (default info).", set)
    }
}

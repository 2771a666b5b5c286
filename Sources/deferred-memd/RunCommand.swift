import ArgumentParser
import Jobs
import KernelSimulation
import Logging
import Reporting
import Settings

/// `run` on the command line; what it does is `RunJob`'s.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan, probe and online the deferred memory, verify, and report.",
        discussion: """
            After a run that brought memory online, what Linux sized from the boot memory is sized again for all of \
            it, where the value is still the kernel's: kernel.threads-max, PID 1's RLIMIT_NPROC and RLIMIT_SIGPENDING, \
            and the tmpfs mounts sized as a percentage (/dev/shm /run /tmp). Each change is logged and reported, old \
            and new; turn each off in /etc/deferred-memd.conf: [After] ThreadsMax=no, InitLimits=no, Tmpfs=no \
            (TmpfsMounts= lists the mounts).
            Exit codes:

            """ + ExitStatus.table([.success, .nothingDone, .badInput, .partial, .interrupted, .memoryShortfall, .usage]))

    @OptionGroup var machine: MachineOptions

    @Flag(help: "Run the engine against a recording kernel: print the writes the run makes (a shell script; --json: a list), and write nothing.") var dryRun =
        false
    @Flag(help: "Print the report (or the dry run's writes) as JSON on stdout.") var json = false
    @OptionGroup(title: "Workers") var placement: WorkerOptions
    @Option(help: "When auto_online_blocks is not offline: switch (off for the run, then restored) or refuse.") var autoOnline: AutoOnlinePolicy?
    @Option(help: "Write Prometheus metrics to DIR/deferred-memd-run.prom (node_exporter's textfile directory), over [Metrics] Directory=.")
    var metricsDirectory: MetricsDirectory?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info

    @Flag(help: "Run against the tree at --sysroot with the simulated kernel standing in for the writes.") var simulate = false
    @Option(help: "Simulated kernel time per GiB (probe + online), in milliseconds.") var latencyMsPerGib: Double = 30
    @Option(help: "Simulated kernel lock model: global (upstream) or per-zone (vendor kernel).") var lockModel: SimulatedKernel.LockModel = .global
    @Option(
        help:
            "Simulated fault, STAGE:BLOCK:ERRNO:COUNT, e.g. online:20:EBUSY:2, probe:5:ENOMEM:forever, or online:*:ENOMEM:forever (every block, as the kernel's notifier error injection). Repeatable."
    ) var fault: [SimulatedKernel.Fault] = []

    var job: RunJob {
        var job = RunJob()
        job.machine = machine.selection
        job.placement = placement.selection
        job.dryRun = dryRun
        job.json = json
        job.autoOnline = autoOnline
        job.logLevel = logLevel
        job.simulate = simulate
        job.latencyMsPerGib = latencyMsPerGib
        job.lockModel = lockModel
        job.faults = fault
        job.metricsDirectory = metricsDirectory
        return job
    }

    func validate() throws {
        if let problem = job.problem { throw ValidationError(problem) }
    }

    func run() throws {
        try exit(job.run(context: .process(logLevel: logLevel)))
    }
}

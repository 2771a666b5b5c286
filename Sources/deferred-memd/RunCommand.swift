import KernelSimulation
import ArgumentParser
import Jobs
import Execution
import Logging

/// `run` on the command line; what it does is `RunJob`'s.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan, probe and online the deferred memory, verify, and report.",
        discussion: "Exit codes: 0 all online as planned, 1 nothing could be done, 2 bad input (nothing written), 3 partial, 4 stopped by a signal.")

    @OptionGroup var machine: MachineOptions

    @Flag(help: "Print the plan and the exact writes, and write nothing.") var dryRun = false
    @Flag(help: "Print the report as JSON on stdout.") var json = false
    @OptionGroup(title: "Workers") var placement: WorkerOptions
    @Option(help: "When auto_online_blocks is not offline: switch (off for the run, then restored) or refuse.") var autoOnline: AutoOnlineSwitch.Policy?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info

    @Flag(help: "Run against the tree at --sysroot with the simulated kernel standing in for the writes.") var simulate = false
    @Option(help: "Simulated kernel time per GiB (probe + online), in milliseconds.") var latencyMsPerGib: Double = 30
    @Option(help: "Simulated kernel lock model: global (upstream) or per-zone (vendor kernel).") var lockModel: SimulatedKernel.LockModel = .global
    @Option(help: "Simulated fault, STAGE:BLOCK:ERRNO:COUNT, e.g. online:20:EBUSY:2 or probe:5:ENOMEM:forever. Repeatable.") var fault: [String] = []

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
        job.fault = fault
        return job
    }

    func validate() throws {
        if let problem = job.problem { throw ValidationError(problem) }
    }

    func run() throws {
        let status = job.run()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}

extension SimulatedKernel.LockModel: ExpressibleByArgument {}
extension AutoOnlineSwitch.Policy: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

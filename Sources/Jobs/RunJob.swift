import KernelSimulation
import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Reporting
import Synchronization
import TinyJSON
#if canImport(Glibc)
import Glibc
#endif

/// `run` as a value: every option of the command, and what it does with them. Both front ends fill one: the
/// command-line tool through ArgumentParser, the boot binary through `BootArguments`.
public struct RunJob: Sendable, Equatable {
    public var machine = MachineSelection()
    public var placement = WorkerSelection()
    /// Print the plan and the exact writes, and write nothing.
    public var dryRun = false
    /// Print the report as JSON on stdout.
    public var json = false
    public var autoOnline: AutoOnlineSwitch.Policy?
    public var logLevel: Logger.Level = .info
    /// Against the tree at `sysroot`, with the simulated kernel standing in for the writes.
    public var simulate = false
    public var latencyMsPerGib: Double = 30
    public var lockModel: SimulatedKernel.LockModel = .global
    /// Simulated faults, `STAGE:BLOCK:ERRNO:COUNT`.
    public var fault: [String] = []

    public init() {}

    /// What is wrong with the options, as a usage message, or nil.
    public var problem: String? {
        if let problem = placement.problem { return problem }
        if !fault.isEmpty && !simulate { return "--fault needs --simulate" }
        for spec in fault where SimulatedKernel.Fault(parsing: spec) == nil {
            return "--fault '\(spec)': expected STAGE:BLOCK:ERRNO:COUNT such as online:20:EBUSY:2"
        }
        guard latencyMsPerGib >= 0 && latencyMsPerGib < 100_000 else { return "--latency-ms-per-gib must be between 0 and 100000" }
        return nil
    }

    /// Runs the job; returns the exit status (deferred-memd(8)). Bad input is printed and notified here.
    public func run() -> Int32 {
        var logger = Logger(label: "deferred-memd")
        logger.logLevel = logLevel
        let notifications = dryRun ? nil : ServiceContext.notifications(environment: ServiceContext.environment())
        do {
            return try execute(logger: logger, notifications: notifications)
        } catch {
            printError("error: \(error.message)")
            notifications?.failed("bad input: \(error.message)", errno: .invalidArgument)
            return ExitStatus.badInput
        }
    }

    func kernel(files: KernelFiles, machine loaded: Machine) -> any HotplugKernel {
        guard simulate else { return LiveKernel(files: files) }
        let options = SimulatedKernel.Options(
            nanosecondsPerGiB: UInt64(latencyMsPerGib * 1_000_000), lockModel: lockModel,
            faults: fault.compactMap(SimulatedKernel.Fault.init(parsing:)))
        return SimulatedKernel(files: files, machine: loaded, options: options)
    }

    func execute(logger: Logger, notifications: RunNotifications?) throws(BadInput) -> Int32 {
        let (loaded, configuration, fresh) = try machine.loadPlan()
        let files = machine.files
        let options = placement.engineOptions(configuration)
        let policy = autoOnline ?? configuration.autoOnline.flatMap(AutoOnlineSwitch.Policy.init(rawValue:)) ?? .switch
        var mode: [(String, JSONValue)] = [("workers", .string(options.workers.rawValue)), ("gate", .bool(options.gate)), ("simulated", .bool(simulate))]
        if simulate { mode += [("lockModel", .string(lockModel.rawValue)), ("latencyMsPerGiB", .double(latencyMsPerGib))] }
        var run = DeferredRun(
            machine: loaded, files: files, kernel: kernel(files: files, machine: loaded), options: options,
            autoOnline: policy, logger: logger, mode: mode)
        run.mainEntered = ServiceContext.mainEntered

        if dryRun {
            print(PlanReport.text(run.effectivePlan(fresh).plan), terminator: "")
            print("\nwrites (none made):")
            for line in run.dryRun(fresh) { print("  " + line) }
            return ExitStatus.success
        }
        for warning in fresh.warnings { logger.warning("\(warning)") }

        let stop = StopFlag()
        let signals = SignalWatcher(stop: stop)
        let line: ProgressLine? = isatty(2) == 1 && !json ? ProgressLine() : nil
        var progress: (@Sendable (Execution.Progress) -> Void)?
        if line != nil || notifications != nil {
            progress = { snapshot in
                line?.show(snapshot)
                notifications?.progress(snapshot)
            }
        }
        notifications?.starting("planning: \(fresh.blocks.count) blocks, \(ByteCount.describe(fresh.totalBytes)) deferred")
        let report = run.execute(fresh, stop: stop, progress: progress)
        signals.finish()
        line?.finish()
        notifications?.finished(report)
        if json { report.write { print($0, terminator: "") } } else { print(report.summary) }
        return report.status.rawValue
    }
}

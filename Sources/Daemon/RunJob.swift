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

    func kernel(files: KernelFiles, machine loaded: Machine) -> any KernelWriter {
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

/// `plan --check`, for `ExecCondition=`: 0 when there is memory to bring online, 1 when there is none. Bad input
/// is 0 too: it must not skip the service; `run` then fails loudly and the safety net runs.
public enum PlanCheck {
    public static func status(_ machine: MachineSelection) -> Int32 {
        guard let (_, _, plan) = try? machine.loadPlan() else { return ExitStatus.success }
        return plan.blocks.contains(where: { !$0.alreadyOnline }) ? ExitStatus.success : ExitStatus.nothingDone
    }
}

/// The live progress line on a terminal: blocks and GiB per zone, and the rate.
final class ProgressLine: Sendable {
    private let last = Mutex<UInt64>(0)

    func show(_ progress: Execution.Progress) {
        let now = progress.elapsedNanoseconds
        let due = last.withLock { last -> Bool in
            guard now - last >= 50_000_000 || progress.blocksDone == progress.blocksPlanned else { return false }
            last = now
            return true
        }
        guard due else { return }
        let rate = now > 0 ? ByteCount.describe(UInt64(Double(progress.bytesDone) / (Double(now) / 1e9))) + "/s" : ""
        var stderr = StandardError()
        print("\r\u{1B}[K\(RunNotifications.statusText(progress)); \(rate)", terminator: "", to: &stderr)
    }

    func finish() {
        var stderr = StandardError()
        print("", to: &stderr)
    }
}

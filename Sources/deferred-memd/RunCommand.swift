import ArgumentParser
import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Reporting
import Synchronization
import SystemPackage
import TinyJSON
#if canImport(Glibc)
import Glibc
#endif

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

    func validate() throws {
        if !fault.isEmpty && !simulate { throw ValidationError("--fault needs --simulate") }
        for spec in fault where SimulatedKernel.Fault(parsing: spec) == nil {
            throw ValidationError("--fault '\(spec)': expected STAGE:BLOCK:ERRNO:COUNT such as online:20:EBUSY:2")
        }
        guard latencyMsPerGib >= 0 && latencyMsPerGib < 100_000 else { throw ValidationError("--latency-ms-per-gib must be between 0 and 100000") }
    }

    func run() throws {
        var logger = Logger(label: "deferred-memd")
        logger.logLevel = logLevel
        let notifications = dryRun ? nil : ServiceContext.notifications(environment: ServiceContext.environment())
        let status: Int32
        do {
            status = try execute(logger: logger, notifications: notifications)
        } catch let error as BadInput {
            printError("error: \(error.message)")
            notifications?.failed("bad input: \(error.message)", errno: .invalidArgument)
            throw ExitCode(ExitStatus.badInput)
        }
        if status != 0 { throw ExitCode(status) }
    }

    func kernel(files: KernelFiles, machine loaded: Machine) -> any KernelWriter {
        guard simulate else { return LiveKernel(files: files) }
        let options = SimulatedKernel.Options(
            nanosecondsPerGiB: UInt64(latencyMsPerGib * 1_000_000), lockModel: lockModel,
            faults: fault.compactMap(SimulatedKernel.Fault.init(parsing:)))
        return SimulatedKernel(files: files, machine: loaded, options: options)
    }

    func execute(logger: Logger, notifications: RunNotifications?) throws -> Int32 {
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

extension SimulatedKernel.LockModel: ExpressibleByArgument {}
extension AutoOnlineSwitch.Policy: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

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

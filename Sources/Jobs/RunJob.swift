import Execution
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings
import TinyJSON

/// `run` as a value: every option of the command, parsed, and what it does with them. Both binaries fill one from
/// `RunJob.options`, the command's option table.
package struct RunJob: Sendable, Equatable {
    package var machine = MachineSelection()
    package var placement = WorkerSelection()
    /// Run the engine against a recording kernel: print the writes a real run makes, and write nothing.
    package var dryRun = false
    /// Print the report (or the dry run's writes) as JSON on stdout.
    package var json = false
    package var autoOnline: AutoOnlinePolicy?
    package var logLevel: Logger.Level = .info
    /// Against the tree at `sysroot`, with the simulated kernel standing in for the writes.
    package var simulate = false
    package var latencyMsPerGib: Double = 30
    package var lockModel: SimulatedKernel.LockModel = .global
    /// Simulated faults (`--fault STAGE:BLOCK:ERRNO:COUNT`).
    package var faults: [SimulatedKernel.Fault] = []
    /// `--metrics-directory`, over `[Metrics] Directory=`; neither: no metrics.
    package var metricsDirectory: MetricsDirectory?

    package init() {}

    /// What is wrong with the combination of options, as a usage message, or nil.
    package var problem: String? {
        if !faults.isEmpty && !simulate { return "--fault needs --simulate" }
        guard latencyMsPerGib >= 0 && latencyMsPerGib < 100_000 else { return "--latency-ms-per-gib must be between 0 and 100000" }
        return nil
    }

    /// The kernel the engine writes to, on `machine`.
    package func kernel(on machine: Machine) -> KernelChoice {
        if dryRun { return .recording(blockSize: machine.memory.blockSize) }
        guard simulate else { return .live }
        return .simulated(.init(nanosecondsPerGiB: UInt64(latencyMsPerGib * 1_000_000), lockModel: lockModel, faults: faults), machine: machine)
    }

    /// Runs the job and prints its result; returns the exit status (deferred-memd(8)).
    package func run(context: JobContext) -> ExitStatus {
        var context = context
        if dryRun { context.notifications = nil }  // a dry run is not the service's run
        do {
            guard dryRun else { return try execute(context: context) }
            let dry = try self.dry(context: context)
            context.print(json ? dry.json.serialized(indent: 2) : dry.text, terminator: json ? "\n" : "")
            return dry.report.status
        } catch {
            return context.refuse(error)
        }
    }

    /// The run as it would go, against the recording kernel: the writes in order, and the report it would end
    /// with. Nothing is written to the machine or to `/run`.
    package func dry(context: JobContext) throws(BadInput) -> DryRun {
        var job = self
        job.dryRun = true
        let (run, fresh, _) = try job.prepare(context: context)
        let report = context.stoppable { stop in run.execute(fresh, stop: stop) }
        let writes = (run.kernel as? RecordingKernel)?.writes ?? []
        return DryRun(plan: report.plan, writes: writes, report: report)
    }

    /// The flow of a run, ready to execute, the fresh plan, and where metrics go.
    func prepare(context: JobContext) throws(BadInput) -> (DeferredRun, Plan, MetricsDirectory?) {
        var selection = machine
        selection.probeMethod = placement.probeMethod
        var startup = StartupStamps(main: ServiceContext.mainEntered)
        let (loaded, configuration, split) = try selection.loadSplit()
        startup.machineRead = Clock.monotonicNanoseconds()
        let fresh = try selection.plan(machine: loaded, configuration: configuration, split: split)
        startup.planned = Clock.monotonicNanoseconds()
        let files = machine.files
        let (options, fastest) = placement.engineOptions(configuration, capacities: loaded.cpuCapacities)
        var mode: [(String, JSONValue)] = [
            ("workers", .string(options.workers.rawValue)), ("gate", .bool(options.gate)), ("simulated", .bool(simulate)), ("dryRun", .bool(dryRun)),
        ]
        if let fastest {
            let list = fastest.cpus.map(String.init).joined(separator: ",")
            context.logger.notice("workers on the fastest CPUs", metadata: ["cpus": "\(list)", "capacity": "\(fastest.capacity)"])
            mode.append(("fastestCPUs", .object([("cpus", .array(fastest.cpus.map { .int(Int64($0)) })), ("capacity", .int(Int64(fastest.capacity)))])))
        }
        if simulate && !dryRun { mode += [("lockModel", .string(lockModel.rawValue)), ("latencyMsPerGiB", .double(latencyMsPerGib))] }
        let choice = kernel(on: loaded)
        var run = DeferredRun(
            machine: loaded, files: files, state: dryRun ? .inMemory(over: files) : .onDisk(files),
            kernel: context.makeKernel(choice, files), options: options,
            autoOnline: autoOnline ?? configuration.autoOnline ?? .switch, logger: context.logger, mode: mode)
        run.startup = startup
        run.after = configuration.after
        run.tuning = choice.makeTuning(files: files)
        return (run, fresh, metricsDirectory ?? configuration.metricsDirectory)
    }

    func execute(context: JobContext) throws(BadInput) -> ExitStatus {
        let (run, fresh, metricsDirectory) = try prepare(context: context)
        let logger = context.logger, notifications = context.notifications
        let metrics = metricsDirectory.map { MetricsPublisher(directory: $0, files: machine.files, logger: logger) }
        // A rescue's figures and report describe the run before it: at a new run they are stale.
        metrics?.remove(command: "rescue")
        if run.state.files.exists(Rescue.reportPath) {
            do { try run.state.remove(Rescue.reportPath) } catch { logger.warning("cannot remove the last rescue's report", metadata: ["error": "\(error)"]) }
        }
        for warning in fresh.warnings { logger.warning("\(warning)") }
        let line: ProgressLine? = context.standardErrorIsTerminal() && !json ? ProgressLine(write: context.standardError) : nil
        var progress: (@Sendable (Execution.Progress) -> Void)?
        if line != nil || notifications != nil {
            progress = { snapshot in
                line?.show(snapshot)
                notifications?.progress(snapshot)
            }
        }
        let report = context.stoppable { stop in run.execute(fresh, stop: stop, progress: progress) }
        line?.finish()
        notifications?.finished(report)
        metrics?.publish(report.metrics(command: "run", endedAt: Clock.wallMilliseconds()))
        if json { report.write { context.standardOutput($0) } } else { context.print(report.summary) }
        return report.status
    }
}

import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings

/// `watch` as a value: every option, the precedence of flags over configuration over defaults, and the run.
/// The front end supplies the event source (libudev's monitor lives with the tool, so the boot binary never
/// links libudev).
package struct WatchJob: Sendable, Equatable {
    package var machine = MachineSelection()
    package var placement = WorkerSelection()
    package var policy: WatchPolicy?
    /// auto-movable: the highest MOVABLE:KERNEL ratio, in percent.
    package var ratio: UInt64?
    package var perNode: Bool?
    package var coldplug = true
    package var quietMilliseconds: UInt64 = 100
    package var simulate = false
    package var logLevel: Logger.Level = .info
    /// `--metrics-directory`, over `[Metrics] Directory=`; neither: no metrics.
    package var metricsDirectory: MetricsDirectory?

    package init() {}

    package var problem: String? {
        if let ratio, ratio == 0 || ratio > 100_000 { return "--ratio must be between 1 and 100000 (percent)" }
        return nil
    }

    /// The zone policy for bursts: flags over `[Watch]` over the defaults (split; auto-movable at 301 %, per node).
    package func hotAddPolicy(machine loaded: Machine, configuration: Configuration, split: SplitRequest) -> HotAddPolicy {
        switch policy ?? configuration.watchPolicy ?? .split {
        case .split:
            return .split(split)
        case .autoMovable:
            return .autoMovable(
                ratioPercent: ratio ?? configuration.watchRatio ?? HotAddPolicy.defaultRatioPercent,
                perNode: perNode ?? configuration.watchPerNode ?? true,
                baseline: AutoMovableBaseline(directory: loaded.memory))
        }
    }

    /// Watches until SIGTERM/SIGINT (0), or until the event source fails (1); bad input is 2.
    package func run(context: JobContext, source makeSource: (KernelFiles) throws -> any BlockEventSource) -> ExitStatus {
        let loadedSplit: (Machine, Configuration, SplitRequest)
        do { loadedSplit = try machine.loadSplit() } catch { return context.refuse(error) }
        let (loaded, configuration, split) = loadedSplit
        let hotAdd = hotAddPolicy(machine: loaded, configuration: configuration, split: split)
        let files = machine.files
        // watch never probes: whatever the kernel added has RAM behind it, so the simulation need not know where.
        let everywhere = RangeSet([AddressRange(start: 0, end: 1 << 52)])
        let kernel = context.makeKernel(simulate ? .simulated(.init(nanosecondsPerGiB: 0, physicalRAM: everywhere), machine: loaded) : .live, files)
        return context.stoppable { stop -> ExitStatus in
            let source: any BlockEventSource
            do {
                source = try makeSource(files)
            } catch {
                context.printError("error: cannot watch memory events: \(error)")
                context.notifications?.failed("cannot watch memory events: \(error)", errno: .ioError)
                return .nothingDone
            }
            let watcher = HotAddWatcher(
                files: files, kernel: kernel, policy: hotAdd, engine: placement.engineOptions(configuration),
                options: .init(quietNanoseconds: quietMilliseconds * 1_000_000, coldplug: coldplug), logger: context.logger,
                notifications: context.notifications,
                metrics: (metricsDirectory ?? configuration.metricsDirectory).map { MetricsPublisher(directory: $0, files: files, logger: context.logger) })
            context.logger.info("watching memory hot-add", metadata: ["policy": "\((policy ?? configuration.watchPolicy ?? .split).rawValue)"])
            do {
                let totals = try watcher.run(source: source, stop: stop)
                context.print(totals.status)
                return .success
            } catch {
                context.printError("error: memory event source failed: \(error)")
                context.notifications?.failed("memory event source failed: \(error)", errno: .ioError)
                return .nothingDone
            }
        }
    }
}

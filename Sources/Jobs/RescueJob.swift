import Execution
import KernelFiles
import Logging
import MachineSources
import Reporting
import Settings

/// `rescue` as a value: the safety net `deferred-memd-fallback.service` runs when the main run failed.
package struct RescueJob: Sendable, Equatable {
    package var sysroot = "/"
    /// Against the tree at `sysroot`, with the simulated kernel standing in for the writes.
    package var simulate = false
    package var logLevel: Logger.Level = .info
    /// `--metrics-directory`; else `[Metrics] Directory=` if the configuration reads (rescue needs nothing else
    /// from it, and must run when it does not parse).
    package var metricsDirectory: MetricsDirectory?

    package init() {}

    /// Onlines every block still offline in the kernel zone; 0 when none is left offline, 3 otherwise.
    package func run(context: JobContext) -> ExitStatus {
        let files = KernelFiles(root: .init(sysroot))
        let kernel: any HotplugKernel
        if simulate {
            // The safety net must work on a tree whose sources do not parse: the blocks alone are enough.
            let machine = (try? Machine.read(from: files)) ?? (try? MemoryBlockDirectory.read(from: files)).map { Machine(memory: $0) }
            guard let machine else {
                context.printError("error: --simulate needs readable memory blocks under \(sysroot)")
                return .usage
            }
            kernel = context.makeKernel(.simulated(.init(nanosecondsPerGiB: 0), machine: machine), files)
        } else {
            kernel = context.makeKernel(.live, files)
        }
        let outcome = context.stoppable { stop in Rescue(files: files, kernel: kernel, logger: context.logger).run(stop: stop) }
        context.print(outcome.summary)
        let status: ExitStatus = outcome.failed.isEmpty ? .success : .partial
        if let directory = metricsDirectory ?? (try? Configuration.read(from: files, explicitPath: nil))?.metricsDirectory {
            MetricsPublisher(directory: directory, files: files, logger: context.logger).publish(
                RunMetrics(
                    command: "rescue", records: outcome.records, blockSize: outcome.blockSize, durationNanoseconds: outcome.elapsedNanoseconds,
                    exitStatus: status, endedAtMilliseconds: Clock.wallMilliseconds(), warnings: []))
        }
        return status
    }
}

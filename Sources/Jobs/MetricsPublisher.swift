import KernelFiles
import Logging
import Reporting
import Settings

/// Writes a command's metrics file into the textfile collector's directory. Metrics are for dashboards: a file
/// that cannot be written is a warning, never a failed run.
package struct MetricsPublisher: Sendable {
    package let directory: MetricsDirectory
    package let files: KernelFiles
    package let logger: Logger

    package init(directory: MetricsDirectory, files: KernelFiles, logger: Logger) {
        self.directory = directory
        self.files = files
        self.logger = logger
    }

    /// Replaces the command's file by a rename in the same directory, so the collector never reads half a file.
    /// Not fsynced: at boot the fsync would cost more than a lost file, which the next run writes again. Mode 0644
    /// whatever the units' `UMask=0077`: node_exporter reads it as its own user.
    package func publish(_ metrics: RunMetrics) {
        let path = directory.file(for: metrics.command)
        do {
            try files.replaceFileAtomically(path, text: metrics.textfile.text, durable: false, permissions: 0o644)
        } catch {
            logger.warning("cannot write the metrics file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Removes a file left by an earlier boot whose figures no longer describe this one.
    package func remove(command: String) {
        let path = directory.file(for: command)
        guard files.exists(path) else { return }
        do { try files.remove(path) } catch { logger.warning("cannot remove a stale metrics file", metadata: ["path": "\(path)", "error": "\(error)"]) }
    }
}

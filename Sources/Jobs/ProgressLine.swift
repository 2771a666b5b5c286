import Execution
import KernelFiles
import Logging
import MemoryModel
import Reporting
import Synchronization
import TinyJSON

/// The live progress line on a terminal: blocks and GiB per zone, and the rate.
final class ProgressLine: Sendable {
    private let last = Mutex<UInt64>(0)
    private let write: @Sendable (String) -> Void

    init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    func show(_ progress: Execution.Progress) {
        let now = progress.elapsedNanoseconds
        let due = last.withLock { last -> Bool in
            guard now - last >= 50_000_000 || progress.blocksDone == progress.blocksPlanned else { return false }
            last = now
            return true
        }
        guard due else { return }
        let rate = now > 0 ? ByteCount.describe(UInt64(Double(progress.bytesDone) / (Double(now) / 1e9))) + "/s" : ""
        write("\r\u{1B}[K\(RunNotifications.statusText(progress)); \(rate)")
    }

    func finish() {
        write("\n")
    }
}

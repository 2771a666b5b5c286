import Execution
import KernelFiles
import MemoryModel
import Reporting
import Synchronization
import SystemPackage

/// What the run tells systemd, and when.
///
/// Nothing before the first block is done: the first message, and with it the opening of libsystemd (which costs
/// about 1 ms), comes after the first write, so a service start reaches its first write as fast as a start
/// outside systemd (Docs/performance.md).
///
/// - `STATUS=` with the progress, after the first block, at most every `statusInterval`, and once more at the end;
/// - `EXTEND_TIMEOUT_USEC=` with each progress message, so a slow but moving run never hits the start timeout
///   while a stuck one still does (and its `OnFailure=` safety net runs);
/// - `WATCHDOG=1` after each finished block when the watchdog is on: a write that hangs longer than
///   `WatchdogSec=` gets the service killed rather than the boot waiting on it;
/// - `READY=1` when the run is final, `ERRNO=` when it failed, `STOPPING=1` when a signal stopped it.
package final class RunNotifications: Sendable {
    package struct Timing: Sendable {
        package var statusInterval: UInt64 = 250_000_000
        /// How far each progress message pushes the start timeout out.
        package var extendTimeout: UInt64 = 30_000_000_000
        /// The watchdog ping interval in ns; nil: ask the notifier (half of `WATCHDOG_USEC`), once, when first needed.
        package var watchdogInterval: UInt64?

        package init(statusInterval: UInt64 = 250_000_000, extendTimeout: UInt64 = 30_000_000_000, watchdogInterval: UInt64? = nil) {
            self.statusInterval = statusInterval
            self.extendTimeout = extendTimeout
            self.watchdogInterval = watchdogInterval
        }
    }

    private struct Sent {
        var status: UInt64?
        var watchdog: UInt64?
        /// The ping interval once known: .some(nil) when the watchdog is off.
        var watchdogInterval: UInt64??

        /// True (and recorded) when a WATCHDOG=1 is due at `now`; never when the watchdog is off.
        mutating func claimWatchdog(now: UInt64, interval: () -> UInt64?) -> Bool {
            guard let interval = resolveInterval(interval), watchdog.map({ now - $0 >= interval }) ?? true else { return false }
            watchdog = now
            return true
        }

        mutating func resolveInterval(_ interval: () -> UInt64?) -> UInt64? {
            if let watchdogInterval { return watchdogInterval }
            let resolved = interval()
            watchdogInterval = .some(resolved)
            return resolved
        }
    }

    private let notifier: any ServiceNotifier
    private let timing: Timing
    private let sent = Mutex(Sent())

    package init(notifier: any ServiceNotifier, timing: Timing = Timing()) {
        self.notifier = notifier
        self.timing = timing
    }

    /// `onlining: 40/80 blocks, 5.0/10.0 GiB; Normal 40/40, Movable 0/40`.
    package static func statusText(_ progress: Progress) -> String {
        let zones = Zone.allCases.map { "\($0.rawValue) \(progress.done[$0] ?? 0)/\(progress.planned[$0] ?? 0)" }.joined(separator: ", ")
        return
            "onlining: \(progress.blocksDone)/\(progress.blocksPlanned) blocks, \(ByteCount.describe(progress.bytesDone, of: progress.bytesPlanned)); \(zones)"
    }

    /// Called after every block; sends what is due.
    package func progress(_ progress: Progress) {
        let now = Clock.monotonicNanoseconds()
        let (status, watchdog) = sent.withLock { sent -> (Bool, Bool) in
            let last = progress.blocksDone == progress.blocksPlanned
            let status = last || sent.status.map { now - $0 >= timing.statusInterval } ?? true
            if status { sent.status = now }
            return (status, sent.claimWatchdog(now: now, interval: watchdogInterval))
        }
        var message: [String] = []
        if status { message += ["STATUS=\(Self.statusText(progress))"] + extendTimeout }
        if watchdog { message.append("WATCHDOG=1") }
        if !message.isEmpty { notifier.notify(message) }
    }

    /// The run is final: its summary as STATUS, READY=1, and ERRNO= when it did not succeed.
    package func finished(_ report: RunReport) {
        var message = ["STATUS=\(report.summary)"]
        if report.status == .interrupted { message.append("STOPPING=1") }
        if report.status != .success { message.append("ERRNO=\(Self.errno(of: report))") }
        message.append("READY=1")
        notifier.notify(message)
    }

    /// Failed before anything was written (bad input).
    package func failed(_ text: String, errno: Errno) {
        notifier.notify(["STATUS=\(text)", "ERRNO=\(errno.rawValue)"])
    }

    /// A long-running mode is up (watch): READY=1 with its status.
    package func ready(_ text: String) {
        notifier.notify(["READY=1", "STATUS=\(text)"])
    }

    package func status(_ text: String) {
        var message = ["STATUS=\(text)"]
        if sent.withLock({ $0.resolveInterval(watchdogInterval) }) != nil { message.append("WATCHDOG=1") }
        notifier.notify(message)
    }

    /// WATCHDOG=1 when due, for loops that wait (watch).
    package func keepAlive() {
        let now = Clock.monotonicNanoseconds()
        if sent.withLock({ $0.claimWatchdog(now: now, interval: watchdogInterval) }) { notifier.notify(["WATCHDOG=1"]) }
    }

    package func stopping(_ text: String) {
        notifier.notify(["STOPPING=1", "STATUS=\(text)"])
    }

    private var extendTimeout: [String] { ["EXTEND_TIMEOUT_USEC=\(timing.extendTimeout / 1000)"] }

    /// The configured interval, else the notifier's (which opens libsystemd): called once, under the lock.
    private func watchdogInterval() -> UInt64? {
        timing.watchdogInterval ?? notifier.watchdogPingInterval()
    }

    /// The errno of the first failed write, else EIO (a conflict or refusal has no errno of its own); EINTR
    /// when a signal stopped the run.
    static func errno(of report: RunReport) -> Int32 {
        if report.status == .interrupted { return Errno.interrupted.rawValue }
        for record in report.result.records {
            if case .failed(_, let errno?, _) = record.outcome { return errno.rawValue }
        }
        return Errno.ioError.rawValue
    }
}

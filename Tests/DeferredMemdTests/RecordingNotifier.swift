import CSystemd
import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Systemd
import Testing

/// Records notifications in-process.
final class RecordingNotifier: ServiceNotifier, @unchecked Sendable {
    let sent = Locked<[[String]]>([])
    /// What `watchdogPingInterval()` answers, and how often it was asked.
    let watchdog: UInt64?
    let watchdogAsked = Locked(0)
    init(watchdog: UInt64? = nil) { self.watchdog = watchdog }
    func notify(_ assignments: [String]) { sent.set(sent.get() + [assignments]) }
    func watchdogPingInterval() -> UInt64? {
        watchdogAsked.set(watchdogAsked.get() + 1)
        return watchdog
    }
}

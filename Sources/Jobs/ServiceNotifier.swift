import KernelFiles
import MemoryModel
import Synchronization
import SystemPackage

/// Where service-manager notifications go: `sd_notify` under systemd, a recorder in tests.
package protocol ServiceNotifier: Sendable {
    /// Sends one message of newline-separated assignments (`READY=1`, `STATUS=…`).
    func notify(_ assignments: [String])
    /// Half the service's watchdog period in nanoseconds, or nil when the watchdog is off.
    func watchdogPingInterval() -> UInt64?
}

extension ServiceNotifier {
    package func watchdogPingInterval() -> UInt64? { nil }
}

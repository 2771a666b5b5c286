import Diagnostics
import MachineSources
import Planning
import Settings

/// Everything `doctor` read, as values: the checks (`DoctorCheck`) are a pure function of this.
package struct DoctorInput: Sendable {
    /// `/proc/sys/kernel/osrelease`.
    package var release: String?
    package var kernelConfig: KernelConfig?
    /// `/sys/devices/system/memory` exists.
    package var memoryDirectoryPresent = false
    /// The machine, or why it could not be read (a `SourceError`'s message).
    package var machine: Result<Machine, SourceFailure>
    package var configuration: Configuration?
    /// This boot's plan (the journal's zones over a fresh plan), or nil when the machine or the split is bad input.
    package var plan: Result<Plan, SourceFailure>?
    package var parameters: MemoryHotplugParameters?
    package var udev: UdevRules
    /// `deferred-memd-watch.service` is enabled (a `.wants` link under /etc/systemd/system).
    package var watchEnabled = false
    package var lastRun: LastRunReport?
    /// A report file exists but does not parse.
    package var lastRunUnreadable = false
    /// Sources that could not be read, other than the machine (kernel config, module parameters, udev rules).
    package var otherFailures: [String] = []

    /// A source error's message, as a value (`SourceError` is not `Equatable`).
    package struct SourceFailure: Error, Sendable, Equatable {
        package var message: String
        package init(_ message: String) { self.message = message }
    }

    package init(machine: Result<Machine, SourceFailure>, udev: UdevRules = UdevRules()) {
        self.machine = machine
        self.udev = udev
    }
}

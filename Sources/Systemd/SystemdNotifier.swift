/// `sd_notify(3)`: the only way the daemon talks to the service manager.
///
/// Exists only when `NOTIFY_SOCKET` is set, so outside systemd (a shell, a test, an initramfs) nothing is sent and
/// libsystemd is never opened.
package struct SystemdNotifier: Sendable {
    private let library: LibSystemd

    package init?(environment: [String: String], library: LibSystemd = LibSystemd()) {
        guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else { return nil }
        self.library = library
    }

    package func notify(_ assignments: [String]) {
        // sd_notify keeps NOTIFY_SOCKET in the environment (unset_environment 0): later messages need it.
        // A failed send is not an error for the run: the service manager sees the exit status anyway.
        guard let notify = library.entries?.notify else { return }
        _ = assignments.joined(separator: "\n").withCString { notify(0, $0) }
    }

    /// Half the watchdog period in nanoseconds when `WatchdogSec=` is set for this process, else nil.
    package func watchdogPingInterval() -> UInt64? {
        var microseconds: UInt64 = 0
        guard let watchdogEnabled = library.entries?.watchdogEnabled, watchdogEnabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return microseconds * 1000 / 2
    }
}

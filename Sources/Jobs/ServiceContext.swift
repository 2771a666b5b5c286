import CLibrary
import Execution
import Systemd

/// What the process learns from its environment once, in `main`: whether systemd listens for notifications.
package enum ServiceContext {
    /// CLOCK_MONOTONIC when `main` began, read first thing in `main`: the report splits start-up into the
    /// loader and runtime (exec → main) and the daemon's own work (main → first write).
    package static let mainEntered = Clock.monotonicNanoseconds()

    /// The process environment as a dictionary (read once; nothing else calls getenv).
    package static func environment() -> [String: String] {
        // Split at the byte: finding "=" among Characters ran grapheme breaking over every variable, a quarter of
        // the work between main and the first write.
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            if let equals = strchr(entry, Int32(UInt8(ascii: "="))) {
                let name = UnsafeRawBufferPointer(start: entry, count: equals - entry)
                result[String(decoding: name, as: UTF8.self)] = String(cString: equals + 1)
            }
            cursor += 1
        }
        return result
    }

    /// Notifications to systemd when `NOTIFY_SOCKET` is set, else nil (nothing is sent).
    package static func notifications(environment: [String: String]) -> RunNotifications? {
        guard let notifier = SystemdNotifier(environment: environment) else { return nil }
        return RunNotifications(notifier: notifier)
    }
}

import CLibrary
import CUdev

/// libudev's monitor on the `memory` subsystem: the real event source of `watch`.
///
/// `udev` events come after udevd has run its rules; `kernel` events come straight from the kernel and also
/// work where no udevd runs (an initramfs). Reading attributes stays with plain file I/O under the root.
package final class UdevMonitor {
    package enum Source: String, Sendable, CaseIterable {
        case udev
        case kernel
    }

    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var call: String
        package var errno: Int32
        package var description: String { "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
    }

    private let udev: OpaquePointer
    private let monitor: OpaquePointer
    private let descriptor: Int32

    package init(source: Source) throws {
        guard let udev = udev_new() else { throw Failure(call: "udev_new", errno: errno) }
        guard let monitor = udev_monitor_new_from_netlink(udev, source.rawValue) else {
            let saved = errno
            udev_unref(udev)
            throw Failure(call: "udev_monitor_new_from_netlink(\(source.rawValue))", errno: saved)
        }
        self.udev = udev
        self.monitor = monitor
        var result = udev_monitor_filter_add_match_subsystem_devtype(monitor, "memory", nil)
        if result >= 0 { result = udev_monitor_enable_receiving(monitor) }
        descriptor = udev_monitor_get_fd(monitor)
        if result < 0 || descriptor < 0 {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw Failure(call: "udev_monitor_enable_receiving", errno: result < 0 ? -result : EBADF)
        }
    }

    /// `udev` when udevd runs (its control socket exists), else `kernel`.
    package static func defaultSource(udevRunning: Bool) -> Source { udevRunning ? .udev : .kernel }

    deinit {
        udev_monitor_unref(monitor)
        udev_unref(udev)
    }

    /// One uevent of the memory subsystem: its action (`add`, `online`, …) and device name (`memory42`).
    package struct Event: Sendable, Equatable {
        package var action: String
        package var sysname: String
    }

    /// The next event, or nil when none came within `timeoutNanoseconds` (or a signal interrupted the wait).
    package func receive(timeoutNanoseconds: UInt64) throws(Failure) -> Event? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: (timeoutNanoseconds + 999_999) / 1_000_000)
        let ready = poll(&poller, 1, milliseconds)
        if ready < 0 {
            if errno == EINTR { return nil }
            throw Failure(call: "poll", errno: errno)
        }
        guard ready > 0, let device = udev_monitor_receive_device(monitor) else { return nil }
        defer { udev_device_unref(device) }
        guard let action = udev_device_get_action(device), let name = udev_device_get_sysname(device) else { return nil }
        return Event(action: String(cString: action), sysname: String(cString: name))
    }
}

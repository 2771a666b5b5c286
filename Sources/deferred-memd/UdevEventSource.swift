import Jobs
import Udev

/// `watch`'s event source on a real system: libudev's monitor, its events reduced to memory blocks.
final class UdevEventSource: BlockEventSource {
    private let monitor: UdevMonitor

    init(source: UdevMonitor.Source) throws {
        monitor = try UdevMonitor(source: source)
    }

    var isExhausted: Bool { false }

    func next(timeoutNanoseconds: UInt64) throws -> BlockEvent? {
        guard let event = try monitor.receive(timeoutNanoseconds: timeoutNanoseconds) else { return nil }
        return BlockEvent(action: event.action, sysname: event.sysname)
    }
}

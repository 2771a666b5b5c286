import Synchronization

/// A userspace lock the zone workers take around each kernel write.
///
/// Upstream kernels serialise every probe/online behind `device_hotplug_lock`, taken with a trylock; a writer
/// that loses sleeps 5 ms and restarts the syscall. Queuing in userspace instead hands the lock over as soon as
/// it is free, so per-zone workers keep their queues and progress without paying those sleeps. Kernels that
/// really online zones in parallel (the write-up's vendor kernel) run with the gate off.
package final class WriteGate: Sendable {
    private let mutex = Mutex(())

    package init() {}

    func withWrite<R: Sendable>(_ body: () -> R) -> R {
        mutex.withLock { _ in body() }
    }
}

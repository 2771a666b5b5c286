import CLibrary
import LinuxShims
import Synchronization

/// A dedicated OS thread for blocking kernel writes.
///
/// Swift's cooperative pool has one thread per core; a 30 ms sysfs write parked on it stalls every task behind
/// it, so each zone worker owns a pthread instead.
///
/// `@unchecked Sendable`: the output is written by the thread before it exits and read only after
/// `pthread_join`, which orders the two.
final class WorkerThread<Output: Sendable>: @unchecked Sendable {
    private final class OutputBox: @unchecked Sendable {
        var value: Output?
    }

    private let output = OutputBox()
    private var thread: pthread_t?

    init(name: String, body: @escaping @Sendable () -> Output) {
        let output = self.output
        let start = ThreadStart(name: name) { output.value = body() }
        var handle = pthread_t()
        let context = Unmanaged.passRetained(start).toOpaque()
        if pthread_create(&handle, nil, threadEntry, context) == 0 {
            thread = handle
        } else {
            // No thread to be had: do the work inline rather than not at all.
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            output.value = body()
        }
    }

    /// Waits for the thread and returns what its body returned. Call once.
    func join() -> Output {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        guard let value = output.value else { preconditionFailure("worker thread ended without output") }
        return value
    }
}

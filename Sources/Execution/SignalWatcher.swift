#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Turns SIGTERM and SIGINT into a stop request: the write in flight finishes, the workers stop, the report is
/// written.
///
/// The signals are blocked in every thread and taken synchronously by one watcher thread (`sigtimedwait`), so no
/// handler runs in the middle of a kernel write and no global state is needed.
public final class SignalWatcher: Sendable {
    private let thread: WorkerThread<Int32>

    /// Call before any other thread starts, so they inherit the blocked mask.
    public init(stop: StopFlag) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let watched = set
        let finished = DoneFlag()
        self.doneFlag = finished
        thread = WorkerThread(name: "signals") {
            var mask = watched
            var timeout = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            while !finished.value.load(ordering: .acquiring) {
                let signal = sigtimedwait(&mask, nil, &timeout)
                if signal == SIGTERM || signal == SIGINT {
                    stop.request(signal == SIGTERM ? "SIGTERM" : "SIGINT")
                    return signal
                }
            }
            return 0
        }
    }

    private let doneFlag: DoneFlag

    /// Ends the watcher; returns the signal that stopped the run, or 0.
    @discardableResult
    public func finish() -> Int32 {
        doneFlag.value.store(true, ordering: .releasing)
        return thread.join()
    }
}

final class DoneFlag: Sendable {
    let value = Atomic<Bool>(false)
}

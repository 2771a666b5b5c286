import CLibrary
import LinuxShims
import Synchronization

/// Turns SIGTERM and SIGINT into a stop request: the write in flight finishes, the workers stop, the report is
/// written.
///
/// The signals are blocked in every thread and taken synchronously by one watcher thread, so no handler runs in
/// the middle of a kernel write and no global state is needed. The watcher sleeps in `poll` on a signalfd and an
/// eventfd that `finish` rings, so ending a run costs no wait (a timed wait cost up to its whole period, 25 ms on
/// average, at the end of every run at boot).
package final class SignalWatcher: Sendable {
    private let thread: WorkerThread<Int32>
    /// Rung by `finish`; -1 when none could be made (the watcher then wakes every 50 ms to look).
    private let doorbell: Int32
    private let signals: Int32
    private let finished = DoneFlag()

    /// Call before any other thread starts, so they inherit the blocked mask.
    package init(stop: StopFlag) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let signals = shim_termination_signal_fd()
        let doorbell = signals >= 0 ? shim_event_fd() : -1
        if doorbell < 0 && signals >= 0 { close(signals) }
        self.doorbell = doorbell
        self.signals = doorbell >= 0 ? signals : -1
        let finished = self.finished
        let watched = set
        let bell = doorbell
        thread = WorkerThread(name: "signals") {
            var signal = bell >= 0 ? Self.waitPolling(signals: signals, doorbell: bell) : nil
            if signal == nil { signal = Self.waitTimed(watched, finished: finished) }
            if let number = signal, number == SIGTERM || number == SIGINT { stop.request(.signal(number)) }
            return signal ?? 0
        }
    }

    /// Sleeps until a signal arrives (its number) or the doorbell rings (0); nil if `poll` fails, and the timed
    /// wait takes over. `finish` closes both descriptors after the join, so the doorbell can never be a reused
    /// descriptor number.
    private static func waitPolling(signals: Int32, doorbell: Int32) -> Int32? {
        var fds = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0), pollfd(fd: doorbell, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return nil }
            if fds[1].revents != 0 { return 0 }
            if fds[0].revents != 0, case let signal = shim_read_signal(signals), signal > 0 { return signal }
        }
    }

    /// The fallback without descriptors: look every 50 ms.
    private static func waitTimed(_ watched: sigset_t, finished: DoneFlag) -> Int32 {
        var mask = watched
        var timeout = timespec(tv_sec: 0, tv_nsec: 50_000_000)
        while !finished.value.load(ordering: .acquiring) {
            let signal = sigtimedwait(&mask, nil, &timeout)
            if signal == SIGTERM || signal == SIGINT { return signal }
        }
        return 0
    }

    /// Ends the watcher; returns the signal that stopped the run, or 0.
    @discardableResult
    package func finish() -> Int32 {
        finished.value.store(true, ordering: .releasing)
        if doorbell >= 0 {
            var one: UInt64 = 1
            _ = write(doorbell, &one, MemoryLayout<UInt64>.size)
        }
        let signal = thread.join()
        if doorbell >= 0 {
            close(doorbell)
            close(signals)
        }
        return signal
    }
}

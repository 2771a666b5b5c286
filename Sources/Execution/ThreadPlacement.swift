import CLibrary
import LinuxShims
import Settings
import Synchronization

/// Per-thread placement: CPU affinity and nice apply to the calling thread only (Linux thread ids).
package enum ThreadPlacement {
    /// Pins the calling thread to `cpus`; returns 0 or the errno.
    @discardableResult
    package static func pinCurrentThread(to cpus: [Int]) -> Int32 {
        var mask = [UInt8](repeating: 0, count: shim_cpu_set_bytes())
        for cpu in cpus where cpu >= 0 && cpu < mask.count * 8 { mask[cpu / 8] |= UInt8(1 << (cpu % 8)) }
        return shim_set_thread_affinity(mask, mask.count) == 0 ? 0 : errno
    }

    /// Sets the calling thread's nice value; returns 0 or the errno.
    @discardableResult
    package static func setCurrentThreadNice(_ nice: Int) -> Int32 {
        shim_set_thread_nice(Int32(nice)) == 0 ? 0 : errno
    }

    /// The calling thread's CPUs.
    package static func currentThreadCPUs() -> [Int] {
        var mask = [UInt8](repeating: 0, count: shim_cpu_set_bytes())
        guard shim_get_thread_affinity(&mask, mask.count) == 0 else { return [] }
        return (0..<mask.count * 8).filter { mask[$0 / 8] & UInt8(1 << ($0 % 8)) != 0 }
    }

    package static func currentThreadNice() -> Int { Int(shim_get_thread_nice()) }

    /// Puts the calling thread under SCHED_IDLE; returns 0 or the errno.
    @discardableResult
    package static func setCurrentThreadIdle() -> Int32 {
        shim_set_thread_idle() == 0 ? 0 : errno
    }

    /// The calling thread's priority: `idle` under SCHED_IDLE, else its nice value.
    package static func currentThreadPriority() -> WorkerPriority {
        shim_thread_is_idle() != 0 ? .idle : .nice(currentThreadNice())
    }

    /// Applies `priority` to the calling thread; returns 0 or the errno.
    @discardableResult
    package static func apply(_ priority: WorkerPriority) -> Int32 {
        switch priority {
        case .nice(let value): setCurrentThreadNice(value)
        case .idle: setCurrentThreadIdle()
        }
    }

}

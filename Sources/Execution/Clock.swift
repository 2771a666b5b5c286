import CLibrary
import KernelFiles

/// Monotonic and wall-clock time without Foundation.
package enum Clock {
    /// Nanoseconds on CLOCK_MONOTONIC: for durations.
    package static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Milliseconds since the epoch on CLOCK_REALTIME: for timestamps people read.
    package static func wallMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }

    /// The process's peak resident set so far, in KiB (getrusage's ru_maxrss).
    /// The process's own high-water RSS: `VmHWM` of /proc/self/status. `getrusage`'s `ru_maxrss` is not that:
    /// exec carries the parent's peak into it when the parent spawned with a shared address space (vfork,
    /// posix_spawn), so a daemon started by a 40 MB Python reads 40 MB.
    package static func peakResidentKiB() -> UInt64 {
        if let status = try? KernelFiles(root: "/").readText("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = UInt64(line.dropFirst("VmHWM:".count).split(separator: " ").first ?? "")
        {
            return kib
        }
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return UInt64(max(usage.ru_maxrss, 0))
    }

    package static func sleep(nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

import CLibrary
import KernelFiles
import MachineSources

/// The process's own memory, from `/proc/self/status`: the high-water resident set, and what is resident now split
/// into anonymous pages (the daemon's own data: records, plan, buffers) and file-backed pages (its binary and
/// libraries, shared with the page cache and dropped first under pressure). Only the anonymous part grows with the
/// machine; the file-backed part is the code the run touched.
package struct ProcessMemory: Sendable, Equatable {
    /// `VmHWM`: the peak resident set. `getrusage`'s `ru_maxrss` is not that: exec carries the parent's peak into it
    /// when the parent spawned with a shared address space (vfork, posix_spawn), so a daemon started by a 40 MB
    /// Python reads 40 MB.
    package var peakKiB: UInt64
    /// `RssAnon`, now.
    package var anonymousKiB: UInt64
    /// `RssFile`, now.
    package var fileKiB: UInt64

    package init(peakKiB: UInt64, anonymousKiB: UInt64, fileKiB: UInt64) {
        self.peakKiB = peakKiB
        self.anonymousKiB = anonymousKiB
        self.fileKiB = fileKiB
    }

    /// The figures of a `status` file (`Key:   1234 kB` lines); nil without `VmHWM` (kernels since 4.5 have all three).
    package init?(status: String) {
        let fields = KilobyteFields(status)
        guard let peak = fields["VmHWM"]?.kib else { return nil }
        self.init(peakKiB: peak, anonymousKiB: fields["RssAnon"]?.kib ?? 0, fileKiB: fields["RssFile"]?.kib ?? 0)
    }

    /// This process, now. Without a readable `/proc`: the peak from `getrusage`, the split unknown (zero).
    package static func current() -> ProcessMemory {
        if let status = try? KernelFiles(root: "/").readText("/proc/self/status"), let memory = ProcessMemory(status: status) {
            return memory
        }
        var usage = rusage()
        let peak = getrusage(RUSAGE_SELF.rawValue, &usage) == 0 ? UInt64(max(usage.ru_maxrss, 0)) : 0
        return ProcessMemory(peakKiB: peak, anonymousKiB: 0, fileKiB: 0)
    }
}

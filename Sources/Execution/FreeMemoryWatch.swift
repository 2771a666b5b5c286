import MachineSources
import Synchronization

/// `MemFree` when the run starts and at its lowest: the memmap of every probe comes out of it.
///
/// Read through the kernel seam (a file read of `/proc/meminfo` under the run's root), at the start and at the end
/// of every run, and after every probe only when the plan says free memory is tight: a read costs more than a
/// block's own bookkeeping, while a probe on a tight machine takes a millisecond of kernel time anyway.
final class FreeMemoryWatch: Sendable {
    let kernel: any HotplugKernel
    private let readings = Mutex<(start: UInt64?, low: UInt64?)>((nil, nil))

    init(kernel: any HotplugKernel) {
        self.kernel = kernel
    }

    /// Reads `MemFree` once and keeps the first reading and the lowest; nil when it cannot be read.
    @discardableResult
    func sample() -> UInt64? {
        guard let text = try? kernel.read(Meminfo.path), let free = try? Meminfo.parse(text).memFree else { return nil }
        readings.withLock { readings in
            if readings.start == nil { readings.start = free }
            readings.low = min(readings.low ?? free, free)
        }
        return free
    }

    var start: UInt64? { readings.withLock { $0.start } }
    var low: UInt64? { readings.withLock { $0.low } }
}

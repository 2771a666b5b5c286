import Execution
import Foundation
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Settings
import Synchronization
import SystemPackage
import Testing
import TinyJSON

/// A kernel whose reads of some block attributes fail: with an errno other than ENOENT for some blocks (a flaky
/// bus, a driver returning EIO, an LSM denying EACCES), or with ENOENT for an attribute it does not have. Writes
/// go to the inner kernel.
final class FailingReads: HotplugKernel {
    let inner: CountingKernel
    let failure: @Sendable (_ block: Int, _ attribute: Substring) -> Errno?

    init(_ inner: CountingKernel, failure: @escaping @Sendable (_ block: Int, _ attribute: Substring) -> Errno?) {
        self.inner = inner
        self.failure = failure
    }

    convenience init(_ inner: CountingKernel, failing: [Int: Errno]) {
        self.init(inner) { block, _ in failing[block] }
    }

    /// A kernel built without CONFIG_MEMORY_HOTREMOVE: drivers/base/memory.c registers `valid_zones` only under that
    /// option (6.1 `memory_memblk_attrs`), so no block has one. Onlining works; only the zone cannot be seen.
    static func noValidZones() -> FailingReads {
        FailingReads(CountingKernel(blockSize: EngineSeamTests.blockSize)) { _, attribute in
            attribute == "valid_zones" ? .noSuchFileOrDirectory : nil
        }
    }

    func read(_ machinePath: String) throws(KernelFileError) -> String {
        if let (index, name) = MemoryBlockDirectory.blockAttribute(of: machinePath), let errno = failure(index, name) {
            throw KernelFileError(.read, pathString: machinePath, errno: errno)
        }
        return try inner.read(machinePath)
    }

    func write(_ operation: KernelWrite) throws(KernelFileError) { try inner.write(operation) }
}

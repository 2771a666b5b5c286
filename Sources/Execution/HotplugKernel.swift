import KernelFiles
import MemoryModel
import Synchronization
import SystemPackage

/// The one seam between the engine and the kernel: writes to memory-hotplug attributes, and the reads of
/// `state` and `valid_zones` that decide and verify each block.
///
/// `LiveKernel` in production, `SimulatedKernel` in tests and `--simulate`, `CountingKernel` in the benchmarks
/// that measure the engine with the kernel taken out. Planning reads its sources through `KernelFiles` directly.
package protocol HotplugKernel: Sendable {
    /// Makes one write (`operation.value` to `operation.path`), throwing the errno the kernel returned.
    func write(_ operation: KernelWrite) throws(KernelFileError)

    /// Reads an attribute's value without its trailing newline.
    func read(_ machinePath: String) throws(KernelFileError) -> String

    /// Set when the kernel can no longer be trusted (the simulated kernel "panicked"): the run stops.
    var fatalCondition: String? { get }
}

extension HotplugKernel {
    package var fatalCondition: String? { nil }
}

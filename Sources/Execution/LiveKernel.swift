import KernelFiles
import MachineSources
import MemoryModel
import Synchronization
import SystemPackage

/// The real kernel: one `write(2)` per call under the given root (`/` in production).
package struct LiveKernel: HotplugKernel {
    package let files: KernelFiles

    package init(files: KernelFiles) {
        self.files = files
    }

    package func write(_ value: String, to machinePath: String) throws(KernelFileError) {
        try files.writeAttribute(value, to: machinePath)
    }

    package func read(_ machinePath: String) throws(KernelFileError) -> String {
        try files.readValue(machinePath)
    }
}

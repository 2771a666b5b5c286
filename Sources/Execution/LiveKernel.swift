import KernelFiles
import MemoryModel
import Synchronization
import SystemPackage

/// The real kernel: one `write(2)` per call under the given root (`/` in production).
package struct LiveKernel: HotplugKernel {
    package let files: KernelFiles

    package init(files: KernelFiles) {
        self.files = files
    }

    package func write(_ operation: KernelWrite) throws(KernelFileError) {
        try files.writeAttribute(operation.value, to: operation.path)
    }

    package func read(_ machinePath: String) throws(KernelFileError) -> String {
        try files.readValue(machinePath)
    }
}

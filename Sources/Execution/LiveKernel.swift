import KernelFiles
import MachineSources
import MemoryModel
import Synchronization
import SystemPackage

/// The real kernel: one `write(2)` per call under the given root (`/` in production).
public struct LiveKernel: HotplugKernel {
    public let files: KernelFiles

    public init(files: KernelFiles) {
        self.files = files
    }

    public func write(_ value: String, to machinePath: String) throws(KernelFileError) {
        try files.writeAttribute(value, to: machinePath)
    }

    public func read(_ machinePath: String) throws(KernelFileError) -> String {
        try files.readValue(machinePath)
    }
}

import KernelFiles

/// The one seam between the engine and the kernel: a write to a memory-hotplug attribute.
///
/// Everything else (reading `state`, `valid_zones`, listing blocks) is a real file read in every mode; only this
/// final write is swapped: `LiveKernel` in production, `SimulatedKernel` in tests and `--simulate`.
public protocol KernelWriter: Sendable {
    /// Writes `value` to the attribute at `machinePath` (for example `/sys/devices/system/memory/probe`),
    /// throwing the errno the kernel returned.
    func write(_ value: String, to machinePath: String) throws(KernelFileError)

    /// Set when the kernel can no longer be trusted (the simulated kernel "panicked"): the run stops.
    var fatalCondition: String? { get }
}

extension KernelWriter {
    public var fatalCondition: String? { nil }
}

/// The real kernel: one `write(2)` per call under the given root (`/` in production).
public struct LiveKernel: KernelWriter {
    public let files: KernelFiles

    public init(files: KernelFiles) {
        self.files = files
    }

    public func write(_ value: String, to machinePath: String) throws(KernelFileError) {
        try files.writeAttribute(value, to: machinePath)
    }
}

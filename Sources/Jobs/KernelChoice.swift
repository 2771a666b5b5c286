import Execution
import KernelFiles
import KernelSimulation
import MachineSources

/// Which kernel a job's engine talks to, with what making it takes: the machine's own (the files alone), the
/// model of it (`--simulate`: the machine it models), or the recorder of a dry run (the block size). Reads go to
/// the tree under the sysroot in every case.
package enum KernelChoice: Sendable, Equatable {
    case live
    case simulated(SimulatedKernel.Options, machine: Machine)
    case recording(blockSize: UInt64)

    /// The kernel under `files`.
    package func make(files: KernelFiles) -> any HotplugKernel {
        switch self {
        case .live: LiveKernel(files: files)
        case .simulated(let options, let machine): SimulatedKernel(files: files, machine: machine, options: options)
        case .recording(let blockSize): RecordingKernel(files: files, blockSize: blockSize)
        }
    }

    /// The resizing writes after the run (a dry run only reads: `Resizing` plans without writing).
    package func makeTuning(files: KernelFiles) -> any SystemTuning {
        switch self {
        case .live, .recording: LiveTuning(files: files)
        case .simulated(_, let machine): SimulatedTuning(files: files, pageSize: machine.pageSize)
        }
    }
}

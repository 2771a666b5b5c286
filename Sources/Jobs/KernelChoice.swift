import Execution
import KernelFiles
import KernelSimulation
import MachineSources

/// Which kernel a job's engine talks to: the machine's own, the model of it (`--simulate`), or the recorder of a
/// dry run. Reads go to the tree under the sysroot in every case.
package enum KernelChoice: Sendable, Equatable {
    case live
    case simulated(SimulatedKernel.Options)
    case recording

    /// The kernel for the machine read from `files`.
    package func make(files: KernelFiles, machine: Machine) -> any HotplugKernel {
        switch self {
        case .live: LiveKernel(files: files)
        case .simulated(let options): SimulatedKernel(files: files, machine: machine, options: options)
        case .recording: RecordingKernel(files: files, blockSize: machine.memory.blockSize)
        }
    }

    /// The resizing writes after the run (a dry run only reads: `Resizing` plans without writing).
    package func makeTuning(files: KernelFiles, machine: Machine) -> any SystemTuning {
        switch self {
        case .live, .recording: LiveTuning(files: files)
        case .simulated: SimulatedTuning(files: files, pageSize: machine.pageSize)
        }
    }
}

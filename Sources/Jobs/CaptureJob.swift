import KernelFiles
import MachineSources
import Reporting

/// `capture` as a value: copies what the daemon reads from a machine into a directory. Reads only on the machine.
public struct CaptureJob: Sendable, Equatable {
    public var sysroot = "/"
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func run(context: JobContext) -> ExitStatus {
        let destination = KernelFiles(root: .init(directory))
        do {
            try KernelFiles(root: "/").createDirectory(directory)
            let count = try MachineCapture(source: KernelFiles(root: .init(sysroot)), destination: destination).run()
            print("captured \(count) files into \(directory); plan it with: deferred-memd plan --sysroot \(directory)")
            return .success
        } catch {
            printError("error: \(error)")
            return .nothingDone
        }
    }
}

import Diagnostics
import KernelFiles
import Reporting

/// `capture` as a value: copies what the daemon reads from a machine into a directory. Reads only on the machine.
package struct CaptureJob: Sendable, Equatable {
    package var sysroot = "/"
    package var directory: String

    package init(directory: String) {
        self.directory = directory
    }

    package func run(context: JobContext) -> ExitStatus {
        let destination = KernelFiles(root: .init(directory))
        do {
            try KernelFiles(root: "/").createDirectory(directory)
            let count = try MachineCapture(source: KernelFiles(root: .init(sysroot)), destination: destination).run()
            context.print("captured \(count) files into \(directory); plan it with: deferred-memd plan --sysroot \(directory)")
            return .success
        } catch {
            context.printError("error: \(error)")
            return .nothingDone
        }
    }
}

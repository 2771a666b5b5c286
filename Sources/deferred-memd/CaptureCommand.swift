import ArgumentParser
import Jobs
import KernelFiles
import MachineSources

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Copy the files deferred-memd reads into DIR (read-only on the machine), for offline planning or a bug report.")

    @Option(help: "Root of the machine to capture.") var sysroot: String = "/"
    @Argument(help: "Destination directory (created if missing).") var directory: String

    func run() throws {
        let destination = KernelFiles(root: .init(directory))
        do {
            try KernelFiles(root: "/").createDirectory(directory)
            let count = try MachineCapture(source: KernelFiles(root: .init(sysroot)), destination: destination).run()
            print("captured \(count) files into \(directory); plan it with: deferred-memd plan --sysroot \(directory)")
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.nothingDone)
        }
    }
}

import KernelSimulation
import ArgumentParser
import Jobs
import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel

struct RescueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescue",
        abstract: "Safety net: online every block still offline in the kernel zone, ignoring configuration and plan.",
        discussion: "Run by deferred-memd-fallback.service when the main run fails or times out, so that a device never stays at its boot memory. Exit 0 when no block is left offline, 3 otherwise.")

    @Option(help: "Root directory holding the machine's /sys and /proc (a capture or a test tree).") var sysroot: String = "/"
    @Flag(help: "Use the simulated kernel on the tree at --sysroot (tests and demos).") var simulate = false
    @Option(help: "Log level.") var logLevel: Logger.Level = .info

    func run() throws {
        var logger = Logger(label: "deferred-memd")
        logger.logLevel = logLevel
        let files = KernelFiles(root: .init(sysroot))
        let kernel: any HotplugKernel
        if simulate {
            // The safety net must work on a tree whose sources do not parse: the blocks alone are enough.
            let machine = (try? Machine.read(from: files)) ?? (try? MemoryBlockDirectory.read(from: files)).map { Machine(memory: $0) }
            guard let machine else { throw ValidationError("--simulate needs readable memory blocks under \(sysroot)") }
            kernel = SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0))
        } else {
            kernel = LiveKernel(files: files)
        }
        let stop = StopFlag()
        let signals = SignalWatcher(stop: stop)
        let outcome = Rescue(files: files, kernel: kernel, logger: logger).run(stop: stop)
        signals.finish()
        print(outcome.summary)
        if !outcome.failed.isEmpty { throw ExitCode(ExitStatus.partial) }
    }
}

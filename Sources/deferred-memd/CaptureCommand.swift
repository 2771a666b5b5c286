import ArgumentParser
import Jobs

/// `capture` on the command line; `CaptureJob` does the work.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Copy the files deferred-memd reads into DIR (read-only on the machine), for offline planning or a bug report.")

    @Option(help: "Root of the machine to capture.") var sysroot: String = "/"
    @Argument(help: "Destination directory (created if missing).") var directory: String

    var job: CaptureJob {
        var job = CaptureJob(directory: directory)
        job.sysroot = sysroot
        return job
    }

    func run() throws {
        try exit(job.run(context: .process(logLevel: .info, notify: false)))
    }
}

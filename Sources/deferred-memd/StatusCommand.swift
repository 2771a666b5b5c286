import ArgumentParser
import Jobs

/// `status` on the command line; `StatusJob` does the work.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the memory blocks as lsmem does, and the deferred memory still missing.")

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print as JSON.") var json = false
    @Flag(name: .shortAndLong, help: "Print sizes in bytes.") var bytes = false

    var job: StatusJob {
        var job = StatusJob()
        job.machine = machine.selection
        job.json = json
        job.bytes = bytes
        return job
    }

    func run() throws {
        try exit(job.run(context: .process(logLevel: .info, notify: false)))
    }
}

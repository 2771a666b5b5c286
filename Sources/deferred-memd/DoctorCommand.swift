import ArgumentParser
import Jobs
import Reporting

/// `doctor` on the command line; `DoctorJob` does the work.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the machine around the daemon: kernel, command line, module parameters, udev rules, the plan, the last run. Reads only.",
        discussion:
            "One line per check: ok, warn or fail, with what to do for each that is not ok. Exit 0 when nothing fails, \(ExitStatus.checkFailed.rawValue) when a check fails."
    )

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print the findings as one JSON object.") var json = false

    var job: DoctorJob {
        var job = DoctorJob()
        job.machine = machine.selection
        job.json = json
        return job
    }

    func run() throws {
        try exit(job.run(context: .process(logLevel: .info, notify: false)))
    }
}

import ArgumentParser
import Jobs
import KernelFiles
import MachineSources
import Reporting
import TinyJSON
import Execution

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the memory blocks as lsmem does, and the deferred memory still missing.")

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print as JSON.") var json = false
    @Flag(name: .shortAndLong, help: "Print sizes in bytes.") var bytes = false

    func run() throws {
        try reportingBadInput {
            let (loaded, _, fresh) = try machine.loadPlan()
            // What this boot's runs planned counts, not only what is still offline now.
            let plan = PlanJournal(files: machine.files).reconcile(fresh).plan
            let lastRun = LastRunSummary.read(from: machine.files)
            if json {
                print(StatusReport.json(loaded.memory, plan: plan, lastRun: lastRun).serialized())
            } else {
                print(StatusReport.text(loaded.memory, plan: plan, lastRun: lastRun, bytes: bytes), terminator: "")
            }
        }
    }
}

import ArgumentParser
import Jobs

/// `plan` on the command line; `PlanJob` and `PlanCheck` do the work.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show which blocks would go to which zone. Reads only.")

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print the plan as one JSON object (schema in Docs/plan-json.md).") var json = false
    @Flag(
        help:
            "Print nothing; exit 0 when there is memory to bring online (or the input is bad, or mem= hides memory that no RAM map locates, so that `run` reports it), 1 when there is none. For ExecCondition=."
    ) var check = false

    var job: PlanJob {
        var job = PlanJob()
        job.machine = machine.selection
        job.json = json
        return job
    }

    func run() throws {
        if check { return try exit(PlanCheck(machine: machine.selection).run()) }
        try exit(job.run(context: .process(logLevel: .info, notify: false)))
    }
}

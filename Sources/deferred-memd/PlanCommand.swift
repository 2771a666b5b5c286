import ArgumentParser
import Jobs
import Reporting

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show which blocks would go to which zone. Reads only.")

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print the plan as one JSON object (schema in Docs/plan-json.md).") var json = false
    @Flag(help: "Print nothing; exit 0 when there is memory to bring online (or the input is bad, so that `run` reports it), 1 when there is none. For ExecCondition=.") var check = false

    func run() throws {
        if check {
            let status = PlanCheck.status(machine.selection)
            if status != ExitStatus.success { throw ExitCode(status) }
            return
        }
        try reportingBadInput {
            let (_, _, plan) = try machine.loadPlan()
            print(json ? PlanReport.json(plan).serialized() : PlanReport.text(plan), terminator: json ? "\n" : "")
        }
    }
}

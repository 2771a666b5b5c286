import ArgumentParser
import Reporting

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show which blocks would go to which zone. Reads only.")

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print the plan as one JSON object (schema in Docs/plan-json.md).") var json = false
    @Flag(help: "Print nothing; exit 0 when there is memory to bring online (or the input is bad, so that `run` reports it), 1 when there is none. For ExecCondition=.") var check = false

    func run() throws {
        if check {
            // Bad input must not skip the service: `run` then fails loudly and the safety net runs.
            guard let (_, _, plan) = try? machine.loadPlan() else { return }
            if !plan.blocks.contains(where: { !$0.alreadyOnline }) { throw ExitCode(ExitStatus.nothingDone) }
            return
        }
        try reportingBadInput {
            let (_, _, plan) = try machine.loadPlan()
            print(json ? PlanReport.json(plan).serialized() : PlanReport.text(plan), terminator: json ? "\n" : "")
        }
    }
}

import ArgumentParser
import Reporting

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show which blocks would go to which zone. Reads only.")

    @OptionGroup var machine: MachineOptions
    @Flag(help: "Print the plan as one JSON object (schema in Docs/plan-json.md).") var json = false

    func run() throws {
        try reportingBadInput {
            let (_, _, plan) = try machine.loadPlan()
            print(json ? PlanReport.json(plan).serialized() : PlanReport.text(plan), terminator: json ? "\n" : "")
        }
    }
}

import Reporting

/// `plan` as a value: the plan printed for a person or as JSON. Reads only.
package struct PlanJob: Sendable, Equatable {
    package var machine = MachineSelection()
    package var json = false

    package init() {}

    package func run(context: JobContext) -> ExitStatus {
        do {
            let (_, _, plan) = try machine.loadPlan()
            context.print(json ? PlanReport.json(plan).serialized() : PlanReport.text(plan), terminator: json ? "\n" : "")
            return .success
        } catch {
            return context.refuse(error)
        }
    }
}

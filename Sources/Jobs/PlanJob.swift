import Reporting

/// `plan` as a value: the plan printed for a person or as JSON. Reads only.
public struct PlanJob: Sendable, Equatable {
    public var machine = MachineSelection()
    public var json = false

    public init() {}

    public func run(context: JobContext) -> ExitStatus {
        do {
            let (_, _, plan) = try machine.loadPlan()
            print(json ? PlanReport.json(plan).serialized() : PlanReport.text(plan), terminator: json ? "\n" : "")
            return .success
        } catch {
            return context.refuse(error)
        }
    }
}

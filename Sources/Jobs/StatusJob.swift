import Execution
import KernelFiles
import Reporting
import TinyJSON

/// `status` as a value: the blocks as lsmem shows them, the deferred memory still missing, the last run. Reads only.
package struct StatusJob: Sendable, Equatable {
    package var machine = MachineSelection()
    package var json = false
    /// Sizes in bytes rather than GiB.
    package var bytes = false

    package init() {}

    package func run(context: JobContext) -> ExitStatus {
        do {
            let (loaded, _, fresh) = try machine.loadPlan()
            // What this boot's runs planned counts, not only what is still offline now.
            let plan = PlanJournal(state: .onDisk(machine.files)).reconcile(fresh).plan
            let lastRun = Self.summary(of: DeferredRun.reportPath, machine.files)
            let lastRescue = Self.summary(of: Rescue.reportPath, machine.files)
            if json {
                context.print(StatusReport.json(loaded.memory, plan: plan, lastRun: lastRun, lastRescue: lastRescue).serialized())
            } else {
                context.print(StatusReport.text(loaded.memory, plan: plan, lastRun: lastRun, lastRescue: lastRescue, bytes: bytes), terminator: "")
            }
            return .success
        } catch {
            return context.refuse(error)
        }
    }

    /// The summary line of the report at `path` (the last run's, the last rescue's), if there is one.
    static func summary(of path: String, _ files: KernelFiles) -> String? {
        guard let text = try? files.readText(path), let report = try? JSONValue(parsing: text) else { return nil }
        return report["summary"]?.stringValue
    }
}

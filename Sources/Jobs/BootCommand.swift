import Execution
import Logging

/// What the service runs at every boot, as values: `run` with its options, or `plan --check`.
public enum BootCommand: Sendable, Equatable {
    case run(RunJob)
    case planCheck(MachineSelection)

    /// Runs it; returns the exit status.
    public func execute() -> Int32 {
        switch self {
        case .run(let job): job.run()
        case .planCheck(let machine): PlanCheck.status(machine)
        }
    }
}

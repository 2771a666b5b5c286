import Logging
import Reporting

/// What the units run, as values: `run` with its options and `plan --check` (deferred-memd.service), `rescue`
/// (deferred-memd-fallback.service).
package enum BootCommand: Sendable, Equatable {
    case run(RunJob)
    case planCheck(PlanCheck)
    case rescue(RescueJob)

    /// Runs it in this process's context; returns the exit status.
    package func execute() -> ExitStatus {
        switch self {
        case .run(let job): job.run(context: .process(logLevel: job.logLevel))
        case .planCheck(let check): check.run()
        case .rescue(let job): job.run(context: .process(logLevel: job.logLevel, notify: false))
        }
    }
}

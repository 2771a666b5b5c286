import ArgumentParser
import Reporting

extension ParsableCommand {
    /// Ends the command with a job's exit status (nothing to throw for success).
    func exit(_ status: ExitStatus) throws {
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

import ArgumentParser
import Jobs
import Logging
import Reporting
import Testing

@testable import deferred_memd

/// Runs a command line in this process as the binary would, with the same result as `Binary.run`: the exit
/// status, stdout, and stderr with the log lines the binary writes there (swift-log's stream format). For tests
/// whose promise is the job's behaviour; `Binary.run` proves the binaries (exit, signals, environment, linking).
enum InProcess {
    static func run(_ arguments: [String], program: String = "deferred-memd") -> Binary.Result {
        let stdout = Locked(""), stderr = Locked("")
        let status = execute(arguments, program: program, stdout: stdout, stderr: stderr)
        return Binary.Result(status: status, stdout: stdout.get(), stderr: stderr.get())
    }

    /// The binaries' `main`: the boot path's parser for the lines it runs, ArgumentParser for the rest (the tool only).
    private static func execute(_ arguments: [String], program: String, stdout: Locked<String>, stderr: Locked<String>) -> Int32 {
        func context(_ level: Logger.Level = .info) -> JobContext {
            var logger = Logger(label: "deferred-memd") { label in StreamLogHandler(label: label, stream: Capture(text: stderr)) }
            logger.logLevel = level
            var context = JobContext(logger: logger)
            context.standardOutput = { text in stdout.modify { $0 += text } }
            context.standardError = { text in stderr.modify { $0 += text } }
            context.standardErrorIsTerminal = { false }  // as the binary's stderr, a pipe
            return context
        }
        let boot: BootCommand?
        do {
            boot = try BootArguments.command(arguments)
        } catch {
            guard program != Binary.boot else {
                stderr.modify { $0 += "deferred-memd-boot: \(error)\n" + BootArguments.usage + "\n" }
                return Reporting.ExitStatus.usage.rawValue
            }
            boot = nil
        }
        switch boot {
        case .run(let job): return job.run(context: context(job.logLevel)).rawValue
        case .planCheck(let check): return check.run().rawValue
        case .rescue(let job): return job.run(context: context(job.logLevel)).rawValue
        case nil: break
        }
        guard program != Binary.boot else {
            stderr.modify { $0 += "deferred-memd-boot: cannot run '\(arguments.joined(separator: " "))'\n" + BootArguments.usage + "\n" }
            return Reporting.ExitStatus.usage.rawValue
        }
        do {
            let status: Reporting.ExitStatus
            switch try DeferredMemd.parseAsRoot(arguments) {
            case let command as PlanCommand: status = command.check ? PlanCheck(machine: command.machine.selection).run() : command.job.run(context: context())
            case let command as StatusCommand: status = command.job.run(context: context())
            case let command as DoctorCommand: status = command.job.run(context: context())
            case let command as CaptureCommand: status = command.job.run(context: context())
            case let command as RunCommand: status = try command.job.run(context: context(command.job.logLevel))
            case let command as RescueCommand: status = try command.job.run(context: context(command.job.logLevel))
            case let command as WatchCommand: status = command.job.run(context: context(command.logLevel), source: command.eventSource)
            case let command:
                Issue.record("InProcess cannot run \(type(of: command))")
                return Reporting.ExitStatus.usage.rawValue
            }
            return status.rawValue
        } catch {
            // ArgumentParser's `exit(withError:)`: help on stdout with 0, errors on stderr with their code.
            let code = DeferredMemd.exitCode(for: error).rawValue
            let message = DeferredMemd.fullMessage(for: error)
            if !message.isEmpty { (code == 0 ? stdout : stderr).modify { $0 += message + "\n" } }
            return code
        }
    }

    /// The log handler's stream: appends to the captured stderr.
    private struct Capture: TextOutputStream, Sendable {
        let text: Locked<String>

        func write(_ string: String) {
            text.modify { $0 += string }
        }
    }
}

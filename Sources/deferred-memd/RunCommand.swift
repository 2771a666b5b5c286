import ArgumentParser
import Jobs
import Reporting

/// `run` on the command line; what it does is `RunJob`'s.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan, probe and online the deferred memory, verify, and report.",
        usage: "deferred-memd run [<options>]",
        discussion: """
            After a run that brought memory online, what Linux sized from the boot memory is sized again for all of \
            it, where the value is still the kernel's: kernel.threads-max, PID 1's RLIMIT_NPROC and RLIMIT_SIGPENDING, \
            and the tmpfs mounts sized as a percentage (/dev/shm /run /tmp). Each change is logged and reported, old \
            and new; turn each off in /etc/deferred-memd.conf: [After] ThreadsMax=no, InitLimits=no, Tmpfs=no \
            (TmpfsMounts= lists the mounts).
            Options:
            \(RunJob.options.help())
            Exit codes:

            """ + ExitStatus.table([.success, .nothingDone, .badInput, .partial, .interrupted, .memoryShortfall, .usage]))

    /// Every option, parsed by `RunJob.options` (the boot binary's parser); ArgumentParser only collects them.
    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .list(RunJob.options.names)) var options: [String] = []

    var job: RunJob {
        get throws {
            do { return try RunJob.parse(options) } catch { throw ValidationError(error.description) }
        }
    }

    func validate() throws {
        _ = try job
    }

    func run() throws {
        let job = try self.job
        try exit(job.run(context: .process(logLevel: job.logLevel)))
    }
}

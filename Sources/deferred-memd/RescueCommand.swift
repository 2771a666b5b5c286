import ArgumentParser
import Jobs

/// `rescue` on the command line; what it does is `RescueJob`'s (the fallback unit runs it from deferred-memd-boot).
struct RescueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescue",
        abstract: "Safety net: online every block still offline in the kernel zone, ignoring configuration and plan.",
        usage: "deferred-memd rescue [<options>]",
        discussion:
            "Run by deferred-memd-fallback.service when the main run fails or times out, so that a device never stays at its boot memory. Exit 0 when no block is left offline, 3 otherwise.\nOptions:\n\(RescueJob.options.help())"
    )

    /// Every option, parsed by `RescueJob.options` (the boot binary's parser); ArgumentParser only collects them.
    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .list(RescueJob.options.names)) var options: [String] = []

    var job: RescueJob {
        get throws {
            do { return try RescueJob.options.parse(options, onto: RescueJob()) } catch { throw ValidationError(error.description) }
        }
    }

    func validate() throws {
        _ = try job
    }

    func run() throws {
        let job = try self.job
        try exit(job.run(context: .process(logLevel: job.logLevel, notify: false)))
    }
}

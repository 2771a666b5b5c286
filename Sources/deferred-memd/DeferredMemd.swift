import ArgumentParser
import CLibrary
import Jobs
import Systemd

@main
struct DeferredMemd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deferred-memd",
        abstract: "Brings deferred memory online: probes and onlines memory blocks in the planned zones.",
        discussion: """
            Exit codes:
              0   success: all planned memory is online as planned (or nothing was deferred)
              1   nothing could be done (for example no probe file where blocks need probing)
              2   bad input: a malformed file, configuration or value; nothing was written
              3   partial success: some blocks failed or were onlined in another zone; the rest is online
              4   stopped by SIGTERM/SIGINT before the plan was finished (a re-run finishes it)
              5   not enough free memory for the memmap of the blocks to probe: nothing was written
              6   doctor: at least one check fails
              64  command-line usage error
            """,
        subcommands: [PlanCommand.self, StatusCommand.self, RunCommand.self, WatchCommand.self, RescueCommand.self, CaptureCommand.self, DoctorCommand.self],
        defaultSubcommand: PlanCommand.self)

    /// The one logging bootstrap: structured journal entries when stderr is the journal, plain lines otherwise.
    static func main() {
        _ = ServiceContext.mainEntered
        ServiceLogging.bootstrap(environment: ServiceContext.environment())
        // `run` and `plan --check` without ArgumentParser's reflection (see BootArguments), as the boot binary.
        if let command = BootArguments.command(Array(CommandLine.arguments.dropFirst())) {
            CLibrary.exit(command.execute().rawValue)
        }
        main(nil)
    }
}

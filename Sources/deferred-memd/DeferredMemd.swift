import ArgumentParser
import CLibrary
import Jobs
import Reporting
import Systemd

@main
struct DeferredMemd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deferred-memd",
        abstract: "Brings deferred memory online: probes and onlines memory blocks in the planned zones.",
        discussion: "Exit codes:\n" + ExitStatus.table(),
        subcommands: [PlanCommand.self, StatusCommand.self, RunCommand.self, WatchCommand.self, RescueCommand.self, CaptureCommand.self, DoctorCommand.self],
        defaultSubcommand: PlanCommand.self)

    /// The one logging bootstrap: structured journal entries when stderr is the journal, plain lines otherwise.
    static func main() {
        _ = ServiceContext.mainEntered
        ServiceLogging.bootstrap(environment: ServiceContext.environment())
        // `run`, `plan --check` and `rescue` without ArgumentParser's reflection (see BootArguments), as the boot
        // binary; help and a line with errors go on to ArgumentParser, whose `run` and `rescue` parse the same tables.
        if let command = try? BootArguments.command(Array(CommandLine.arguments.dropFirst())) {
            CLibrary.exit(command.execute().rawValue)
        }
        main(nil)
    }
}

// The boot binary: what the units run, `run [options]` and `plan --check` at every boot and `rescue` when that
// fails, and nothing else. The same jobs as `deferred-memd` runs (the Jobs library), without
// swift-argument-parser, whose FoundationEssentials is 40 % of the command-line tool (Docs/performance.md).
import CLibrary
import Jobs
import Reporting
import Systemd

_ = ServiceContext.mainEntered
ServiceLogging.bootstrap(environment: ServiceContext.environment())
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    guard let command = try BootArguments.command(arguments) else {
        printError("deferred-memd-boot: cannot run '\(arguments.joined(separator: " "))'\n" + BootArguments.usage)
        exit(ExitStatus.usage.rawValue)
    }
    exit(command.execute().rawValue)
} catch {
    printError("deferred-memd-boot: \(error)\n" + BootArguments.usage)
    exit(ExitStatus.usage.rawValue)
}

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
guard let command = BootArguments.command(arguments) else {
    printError(
        """
        deferred-memd-boot: cannot run '\(arguments.joined(separator: " "))'
        usage: deferred-memd-boot run [--sysroot DIR] [--config FILE] [--kernelcore SIZE|N%] [--movablecore SIZE|N%]
                                      [--workers serial|per-zone] [--gate|--no-gate] [--json] [--dry-run] [--log-level LEVEL] …
               deferred-memd-boot plan --check [--sysroot DIR] [--config FILE]
               deferred-memd-boot rescue [--sysroot DIR]
        Every other command, help and option errors: deferred-memd(8), the command-line tool, which takes the same options.
        """)
    exit(ExitStatus.usage.rawValue)
}
exit(command.execute().rawValue)

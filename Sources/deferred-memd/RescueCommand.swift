import ArgumentParser
import Jobs
import Logging
import Settings

/// `rescue` on the command line; what it does is `RescueJob`'s (the fallback unit runs it from deferred-memd-boot).
struct RescueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescue",
        abstract: "Safety net: online every block still offline in the kernel zone, ignoring configuration and plan.",
        discussion:
            "Run by deferred-memd-fallback.service when the main run fails or times out, so that a device never stays at its boot memory. Exit 0 when no block is left offline, 3 otherwise."
    )

    @Option(help: "Root directory holding the machine's /sys and /proc (a capture or a test tree).") var sysroot: String = "/"
    @Flag(help: "Use the simulated kernel on the tree at --sysroot (tests and demos).") var simulate = false
    @Option(help: "Write Prometheus metrics to DIR/deferred-memd-rescue.prom (node_exporter's textfile directory), over [Metrics] Directory=.")
    var metricsDirectory: MetricsDirectory?
    @Option(help: "Log level.") var logLevel: Logger.Level = .info

    var job: RescueJob {
        var job = RescueJob()
        job.sysroot = sysroot
        job.simulate = simulate
        job.logLevel = logLevel
        job.metricsDirectory = metricsDirectory
        return job
    }

    func run() throws {
        try exit(job.run(context: .process(logLevel: logLevel, notify: false)))
    }
}

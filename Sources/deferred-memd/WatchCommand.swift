import ArgumentParser
import Jobs
import KernelFiles
import Logging
import Settings
import Udev

/// `watch` on the command line; `WatchJob` does the work, this adds libudev's monitor as its event source.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Online memory blocks as they are hot-added, per policy (replaces the distro udev rule).",
        discussion: """
            Policies: split applies the configured split (KernelCore=/MovableCore=, flags, kernel command line) to
            each burst of added blocks; auto-movable puts a burst in ZONE_MOVABLE while MOVABLE:KERNEL stays at or
            under --ratio percent (the kernel's online_policy=auto-movable), else in the kernel zone.
            Runs until SIGTERM or SIGINT; exit code 0 then, 1 when the event source fails, 2 on bad input.
            """)

    enum Events: String, ExpressibleByArgument, CaseIterable {
        case auto, udev, kernel
    }

    @OptionGroup var machine: MachineOptions
    @OptionGroup(title: "Workers") var placement: WorkerOptions

    @Option(help: "Zone policy for added blocks: split or auto-movable.") var policy: WatchPolicy?
    @Option(help: "auto-movable: the highest MOVABLE:KERNEL ratio, in percent (the kernel's default is 301).") var ratio: UInt64?
    @Flag(inversion: .prefixedNo, help: "auto-movable: also keep the ratio on each NUMA node.") var perNode: Bool?
    @Flag(inversion: .prefixedNo, help: "Online blocks that are already offline when watching starts.") var coldplug = true
    @Option(help: "Event source: udev (after udevd's rules), kernel (raw uevents), or auto (udev when udevd runs).") var events: Events = .auto
    @Option(help: "End a burst after this many milliseconds without a new block.") var quietMs: UInt64 = 100
    @Option(help: .hidden) var eventsFrom: String?
    @Flag(help: "Use the simulated kernel on the tree at --sysroot (tests and demos).") var simulate = false
    @Option(help: "Write Prometheus metrics to DIR/deferred-memd-watch.prom (node_exporter's textfile directory), over [Metrics] Directory=.")
    var metricsDirectory: MetricsDirectory?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info

    var job: WatchJob {
        var job = WatchJob()
        job.machine = machine.selection
        job.placement = placement.selection
        job.policy = policy
        job.ratio = ratio
        job.perNode = perNode
        job.coldplug = coldplug
        job.quietMilliseconds = quietMs
        job.simulate = simulate
        job.logLevel = logLevel
        job.metricsDirectory = metricsDirectory
        return job
    }

    func validate() throws {
        if let problem = job.problem { throw ValidationError(problem) }
    }

    func run() throws {
        try exit(job.run(context: .process(logLevel: logLevel), source: eventSource))
    }

    func eventSource(files: KernelFiles) throws -> any BlockEventSource {
        if let eventsFrom { return try LineEventSource(path: eventsFrom) }
        switch events {
        case .udev: return try UdevEventSource(source: .udev)
        case .kernel: return try UdevEventSource(source: .kernel)
        case .auto: return try UdevEventSource(source: UdevMonitor.defaultSource(udevRunning: KernelFiles(root: "/").exists("/run/udev/control")))
        }
    }
}

import KernelSimulation
import ArgumentParser
import Jobs
import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Udev

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

    enum Policy: String, ExpressibleByArgument, CaseIterable {
        case split
        case autoMovable = "auto-movable"
    }

    enum Events: String, ExpressibleByArgument, CaseIterable {
        case auto, udev, kernel
    }

    @OptionGroup var machine: MachineOptions
    @OptionGroup(title: "Workers") var placement: WorkerOptions

    @Option(help: "Zone policy for added blocks: split or auto-movable.") var policy: Policy?
    @Option(help: "auto-movable: the highest MOVABLE:KERNEL ratio, in percent (the kernel's default is 301).") var ratio: UInt64?
    @Flag(inversion: .prefixedNo, help: "auto-movable: also keep the ratio on each NUMA node.") var perNode: Bool?
    @Flag(inversion: .prefixedNo, help: "Online blocks that are already offline when watching starts.") var coldplug = true
    @Option(help: "Event source: udev (after udevd's rules), kernel (raw uevents), or auto (udev when udevd runs).") var events: Events = .auto
    @Option(help: "End a burst after this many milliseconds without a new block.") var quietMs: UInt64 = 100
    @Option(help: .hidden) var eventsFrom: String?
    @Flag(help: "Use the simulated kernel on the tree at --sysroot (tests and demos).") var simulate = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info

    func validate() throws {
        if let ratio, ratio == 0 || ratio > 100_000 { throw ValidationError("--ratio must be between 1 and 100000 (percent)") }
    }

    func run() throws {
        var logger = Logger(label: "deferred-memd")
        logger.logLevel = logLevel
        let notifications = ServiceContext.notifications(environment: ServiceContext.environment())
        let loadedSplit: (Machine, Configuration, SplitRequest)
        do {
            loadedSplit = try machine.loadSplit()
        } catch {
            printError("error: \(error.message)")
            notifications?.failed("bad input: \(error.message)", errno: .invalidArgument)
            throw ExitCode(ExitStatus.badInput)
        }
        let (loaded, configuration, split) = loadedSplit
        let chosen = policy ?? configuration.watchPolicy.flatMap(Policy.init(rawValue:)) ?? .split
        let hotAdd: HotAddPolicy
        switch chosen {
        case .split:
            hotAdd = .split(split)
        case .autoMovable:
            hotAdd = .autoMovable(
                ratioPercent: ratio ?? configuration.watchRatio ?? HotAddPolicy.defaultRatioPercent,
                perNode: perNode ?? configuration.watchPerNode ?? true,
                baseline: AutoMovableBaseline(directory: loaded.memory))
        }
        let files = machine.files
        // watch never probes: whatever the kernel added has RAM behind it, so the simulation need not know where.
        let kernel: any HotplugKernel = simulate
            ? SimulatedKernel(files: files, machine: loaded, options: .init(nanosecondsPerGiB: 0), physicalRAM: RangeSet([AddressRange(start: 0, end: 1 << 52)]))
            : LiveKernel(files: files)
        let stop = StopFlag()
        let signals = SignalWatcher(stop: stop)
        defer { signals.finish() }
        let source: any BlockEventSource
        do {
            source = try eventSource(files: files)
        } catch {
            printError("error: cannot watch memory events: \(error)")
            notifications?.failed("cannot watch memory events: \(error)", errno: .ioError)
            throw ExitCode(ExitStatus.nothingDone)
        }
        let watcher = HotAddWatcher(
            files: files, kernel: kernel, policy: hotAdd, engine: placement.selection.engineOptions(configuration),
            options: .init(quietNanoseconds: quietMs * 1_000_000, coldplug: coldplug), logger: logger, notifications: notifications)
        logger.info("watching memory hot-add", metadata: ["policy": "\(chosen.rawValue)"])
        do {
            let totals = try watcher.run(source: source, stop: stop)
            print(totals.status)
        } catch {
            printError("error: memory event source failed: \(error)")
            notifications?.failed("memory event source failed: \(error)", errno: .ioError)
            throw ExitCode(ExitStatus.nothingDone)
        }
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

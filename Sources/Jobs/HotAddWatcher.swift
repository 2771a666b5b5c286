import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting

/// `deferred-memd watch`: onlines memory blocks as they are hot-added, per policy, in place of the distro's
/// udev rule (`SUBSYSTEM=="memory", ACTION=="add", ATTR{state}="online"`), which would let the kernel pick
/// every block's zone one at a time.
///
/// Events are coalesced into bursts (a DIMM arrives as many `add` events in a few milliseconds), so that the
/// policy sees what was added together; each burst is carried out by the same engine as `run`.
package struct HotAddWatcher: Sendable {
    package struct Options: Sendable {
        /// A burst ends when no event came for this long…
        package var quietNanoseconds: UInt64 = 100_000_000
        /// …or when it has been collecting for this long.
        package var maxBurstNanoseconds: UInt64 = 2_000_000_000
        /// How often to look at the stop flag while idle.
        package var idlePollNanoseconds: UInt64 = 250_000_000
        /// Online blocks already offline when watching starts (events missed before the monitor existed).
        package var coldplug: Bool = true

        package init(
            quietNanoseconds: UInt64 = 100_000_000, maxBurstNanoseconds: UInt64 = 2_000_000_000, idlePollNanoseconds: UInt64 = 250_000_000,
            coldplug: Bool = true
        ) {
            self.quietNanoseconds = quietNanoseconds
            self.maxBurstNanoseconds = maxBurstNanoseconds
            self.idlePollNanoseconds = idlePollNanoseconds
            self.coldplug = coldplug
        }
    }

    /// What the watcher did, for STATUS= and the exit summary.
    package struct Totals: Sendable, Equatable {
        package var bursts = 0
        package var onlined: [Zone: Int] = [:]
        package var alreadyOnline = 0
        package var failed = 0

        package init() {}

        package var status: String {
            let zones = Zone.allCases.map { "\($0.rawValue) \(onlined[$0] ?? 0)" }.joined(separator: ", ")
            var text = "watching: \(bursts) bursts, \(onlined.values.reduce(0, +)) blocks onlined (\(zones))"
            if alreadyOnline > 0 { text += ", \(alreadyOnline) already online" }
            if failed > 0 { text += ", \(failed) failed" }
            return text
        }

        /// Counters since watching started, for the metrics file next to the last burst's figures.
        var families: [PrometheusTextfile.Family] {
            [
                .init("deferred_memd_watch_bursts_total", .counter, help: "Bursts of hot-added blocks handled since watch started.", [.init([], "\(bursts)")]),
                .init(
                    "deferred_memd_watch_onlined_blocks_total", .counter, help: "Hot-added blocks onlined since watch started, by zone.",
                    Zone.allCases.map { .init([("zone", $0.rawValue)], "\(onlined[$0] ?? 0)") }),
                .init(
                    "deferred_memd_watch_failed_blocks_total", .counter, help: "Hot-added blocks that failed to come online since watch started.",
                    [.init([], "\(failed)")]),
            ]
        }
    }

    package let files: KernelFiles
    package let kernel: any HotplugKernel
    package let policy: HotAddPolicy
    package let engine: EngineOptions
    package let options: Options
    package let logger: Logger
    package let notifications: RunNotifications?
    /// Where each burst's metrics go, or nil.
    package let metrics: MetricsPublisher?

    package init(
        files: KernelFiles, kernel: any HotplugKernel, policy: HotAddPolicy, engine: EngineOptions, options: Options = Options(), logger: Logger,
        notifications: RunNotifications? = nil, metrics: MetricsPublisher? = nil
    ) {
        self.files = files
        self.kernel = kernel
        self.policy = policy
        self.engine = engine
        self.options = options
        self.logger = logger
        self.notifications = notifications
        self.metrics = metrics
    }

    /// Runs until `stop` is requested or the source is exhausted. Errors reading the source end the watch.
    package func run(source: any BlockEventSource, stop: StopFlag) throws -> Totals {
        var totals = Totals()
        // Counters start again with the process; a file from an earlier watch would describe another boot.
        metrics?.remove(command: "watch")
        if options.coldplug {
            let offline = (try? MemoryBlockDirectory.read(from: files))?.blocks.filter { $0.state == .offline }.map(\.index) ?? []
            if !offline.isEmpty {
                logger.info("onlining blocks that were offline when watching started", metadata: ["blocks": "\(offline.count)"])
                handle(burst: Set(offline), totals: &totals, stop: stop)
            }
        }
        notifications?.ready(totals.status)
        while !stop.isRequested {
            notifications?.keepAlive()
            guard let first = try source.next(timeoutNanoseconds: options.idlePollNanoseconds) else {
                if source.isExhausted { break }
                continue
            }
            guard first.action == .add else { continue }
            var burst: Set<Int> = [first.index]
            let started = Clock.monotonicNanoseconds()
            var lastEvent = started
            while !stop.isRequested {
                let now = Clock.monotonicNanoseconds()
                let quietEnds = lastEvent + options.quietNanoseconds
                let burstEnds = started + options.maxBurstNanoseconds
                guard now < quietEnds && now < burstEnds else { break }
                guard let event = try source.next(timeoutNanoseconds: min(quietEnds, burstEnds) - now) else {
                    if source.isExhausted { break }
                    continue
                }
                if event.action == .add {
                    burst.insert(event.index)
                    lastEvent = Clock.monotonicNanoseconds()
                }
            }
            handle(burst: burst, totals: &totals, stop: stop)
        }
        notifications?.stopping(totals.status)
        return totals
    }

    /// Onlines the burst's blocks that are present and offline now; the others are left alone.
    func handle(burst: Set<Int>, totals: inout Totals, stop: StopFlag) {
        let directory: MemoryBlockDirectory
        do {
            directory = try MemoryBlockDirectory.read(from: files)
        } catch {
            logger.error("cannot read the memory blocks; burst skipped", metadata: ["error": "\(error)", "blocks": "\(burst.count)"])
            totals.failed += burst.count
            return
        }
        var offline: [MemoryBlock] = []
        for block in directory.blocks where burst.contains(block.index) {
            switch block.state {
            case .offline: offline.append(block)
            case .online, .goingOffline:
                totals.alreadyOnline += 1
                logger.debug("block not offline; left alone", metadata: ["block": "\(block.index)", "state": "\(block.state.rawValue)"])
            }
        }
        guard !offline.isEmpty else { return }
        let plan = policy.plan(burst: offline, directory: directory)
        for warning in plan.warnings { logger.warning("\(warning)") }
        let engine = Engine(
            plan: plan, kernel: kernel, probeGuard: ProbeGuard(ram: RangeSet(), reserved: []),
            probeUnavailable: "watch onlines blocks the kernel added; it never probes", options: self.engine, logger: logger)
        let result = engine.run(stop: stop)
        totals.bursts += 1
        for record in result.records {
            if record.outcome.isSuccess { totals.onlined[record.block.zone, default: 0] += 1 } else { totals.failed += 1 }
        }
        if let metrics {
            var figures = RunReport(plan: plan, result: result, mode: []).metrics(command: "watch", endedAt: Clock.wallMilliseconds())
            figures.extra = totals.families
            metrics.publish(figures)
        }
        let normal = plan.blocks.filter { $0.zone == .normal }.count
        logger.info(
            "burst onlined",
            metadata: [
                "blocks": "\(plan.blocks.count)", "normal": "\(normal)", "movable": "\(plan.blocks.count - normal)",
                "first": "\(plan.blocks.first?.index ?? 0)", "last": "\(plan.blocks.last?.index ?? 0)",
                "bytes": "\(plan.totalBytes)", "failed": "\(result.records.filter { !$0.outcome.isSuccess }.count)",
            ])
        notifications?.status(totals.status)
    }
}

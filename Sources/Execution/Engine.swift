import KernelFiles
import Logging
import MemoryModel
import Planning
import Synchronization

/// Carries out a plan: zone workers on their own threads, each block through `BlockExecutor`.
package struct Engine: Sendable {
    package let plan: Plan
    package let kernel: any HotplugKernel
    package let probeGuard: ProbeGuard
    package let options: EngineOptions
    package let logger: Logger
    /// Why blocks that need probing cannot be probed (no probe file; auto-online refused), or nil.
    package let probeUnavailable: String?
    /// The plan's actions are what the machine showed moments ago (a fresh plan, not one resumed from the
    /// journal): a block planned for probing was absent, one planned for onlining was offline. The executor then
    /// writes without reading `state` first, as a shell loop would; the kernel's refusals still decide.
    package let planIsFresh: Bool
    /// Auto-zone (`ProbeMethod.autoZone`, serial worker only): what `AutoOnlineSwitch.prepare` set
    /// `auto_online_blocks` to; the executor switches it per zone. nil: two writes per block.
    package let autoZone: AutoZoneSetting?
    /// The checked add (`ProbeMethod.checkedAdd`): an absent block is added and onlined with one write to the
    /// kernel's `deferred_mem_init/online`.
    package let checkedAdd: Bool
    /// Rescue: once every planned write is made, each block still offline gets a plain `online`, the kernel's own
    /// choice of zone (any zone beats offline), through the executor like any write (`onlineInKernelsChoice`).
    package let kernelChoiceFallback: Bool

    package init(
        plan: Plan, kernel: any HotplugKernel, probeGuard: ProbeGuard, probeUnavailable: String?, options: EngineOptions, logger: Logger,
        planIsFresh: Bool = false, autoZone: AutoZoneSetting? = nil, checkedAdd: Bool = false, kernelChoiceFallback: Bool = false
    ) {
        self.autoZone = options.workers == .serial ? autoZone : nil
        self.checkedAdd = checkedAdd
        self.kernelChoiceFallback = kernelChoiceFallback
        self.plan = plan
        self.planIsFresh = planIsFresh
        self.kernel = kernel
        self.probeGuard = probeGuard
        self.probeUnavailable = probeUnavailable
        self.options = options
        self.logger = logger
    }

    struct Queue: Sendable {
        var name: String
        var node: Int?
        var zone: Zone?
        /// Positions in `plan.blocks`, in the order this worker takes them.
        var positions: [Int]
    }

    /// Queues per worker, and the order of waves: with `normalFirst`, Movable workers start once the Normal
    /// ones are done (each probe's memmap comes from online kernel memory).
    func waves() -> [[Queue]] {
        switch options.workers {
        case .serial:
            let all = plan.blocks.indices
            let ordered = plan.normalFirst ? all.filter { plan.blocks[$0].zone == .normal } + all.filter { plan.blocks[$0].zone == .movable } : Array(all)
            return [[Queue(name: "serial", node: nil, zone: nil, positions: ordered)]]
        case .perZone:
            var queues: [Queue] = []
            for node in plan.nodes {
                for zone in Zone.allCases {
                    let positions = plan.blocks.indices.filter { plan.blocks[$0].node == node && plan.blocks[$0].zone == zone }
                    if !positions.isEmpty {
                        queues.append(Queue(name: "node\(node)-\(zone.rawValue.lowercased())", node: node, zone: zone, positions: positions))
                    }
                }
            }
            guard plan.normalFirst else { return [queues] }
            return [queues.filter { $0.zone == .normal }, queues.filter { $0.zone == .movable }].filter { !$0.isEmpty }
        }
    }

    package func run(stop: StopFlag, progress: (@Sendable (Progress) -> Void)? = nil) -> EngineResult {
        let runStart = Clock.monotonicNanoseconds()
        let freeMemory = FreeMemoryWatch(kernel: kernel)
        freeMemory.sample()
        let executor = BlockExecutor(
            kernel: kernel, probeGuard: probeGuard, retry: options.retry, blockSize: plan.blockSize,
            gate: options.workers == .perZone && options.gate ? WriteGate() : nil, runStart: runStart,
            probeUnavailable: probeUnavailable, firstWrite: FirstWrite(), planIsFresh: planIsFresh,
            freeMemory: plan.memmapBudget?.tight == true ? freeMemory : nil,
            autoZone: autoZone, checkedAdd: checkedAdd)
        var initial = Progress()
        for zone in Zone.allCases {
            initial.planned[zone] = 0
            initial.done[zone] = 0
        }
        for block in plan.blocks { initial.planned[block.zone, default: 0] += 1 }
        initial.bytesPlanned = plan.totalBytes
        let shared = ProgressBoard(initial)

        // Unreached until a worker hands its record over; one array, filled in place.
        var finished = plan.blocks.map { BlockRecord(block: $0, worker: "none") }
        var summaries: [WorkerSummary] = []
        for wave in waves() {
            // The serial worker with no placement asked runs on the calling thread (a synchronous one: `run` is
            // never called from the cooperative pool): no thread to create and join, ≈ 8 ms under TCG before
            // the first write. CPUs or a priority for it keep a thread of its own, so the caller's are untouched.
            if options.workers == .serial, wave.count == 1, let queue = wave.first, options.cpus[.normal] == nil, options.priority[.normal] == nil {
                // Records go straight into place: at 8192 blocks a second array of them is 2 MiB of peak.
                summaries.append(
                    work(queue, executor: executor, stop: stop, shared: shared, runStart: runStart, progress: progress) { finished[$0] = $1 })
                continue
            }
            let threads = wave.map { queue in
                WorkerThread(name: queue.name) { () -> ([(Int, BlockRecord)], WorkerSummary) in
                    var records: [(Int, BlockRecord)] = []
                    records.reserveCapacity(queue.positions.count)
                    let summary = self.work(queue, executor: executor, stop: stop, shared: shared, runStart: runStart, progress: progress) {
                        records.append(($0, $1))
                    }
                    return (records, summary)
                }
            }
            for thread in threads {
                let (done, summary) = thread.join()
                for (position, record) in done { finished[position] = record }
                summaries.append(summary)
            }
        }
        if kernelChoiceFallback { fallBack(&finished, executor: executor, stop: stop, runStart: runStart) }
        let verifyStart = Clock.monotonicNanoseconds()
        verify(&finished, executor: executor)
        let end = Clock.monotonicNanoseconds()
        freeMemory.sample()
        logFinished(summaries)
        return EngineResult(
            records: finished, workers: summaries, elapsedNanoseconds: end - runStart, stopReason: stop.reason,
            startedMonotonic: runStart, firstWriteMonotonic: executor.firstWrite.value, verifyNanoseconds: end - verifyStart,
            memFreeStart: freeMemory.start, memFreeLow: freeMemory.low)
    }

    /// The plan as the kernel left it, without a write: what a run that stood down for the vendor kernel reports.
    /// Online in the planned zone: added by the kernel (a plan made after the kernel method finished sees its blocks
    /// as already online); elsewhere: a conflict; not online: failed.
    package func observeKernelWork() -> EngineResult {
        let runStart = Clock.monotonicNanoseconds()
        let executor = BlockExecutor(
            kernel: kernel, probeGuard: probeGuard, retry: options.retry, blockSize: plan.blockSize, gate: nil, runStart: runStart,
            probeUnavailable: probeUnavailable, firstWrite: FirstWrite(), planIsFresh: false, autoZone: nil)
        let records = plan.blocks.map { block -> BlockRecord in
            var record = BlockRecord(block: block, worker: "kernel")
            let observed = executor.observe(block.index)
            if let placed = executor.placement(observed, of: block, record: &record, inZone: .addedByKernel) {
                record.outcome = placed
            } else if case .unreadable(let errno) = observed {
                record.outcome = .failed(stage: .read, errno: errno, reason: "memory\(block.index)'s state cannot be read: \(errno.description)")
            } else {
                record.outcome = .failed(stage: .verify, errno: nil, reason: "memory\(block.index) is not online after the kernel said it was done")
            }
            log(record)
            return record
        }
        return EngineResult(
            records: records, workers: [], elapsedNanoseconds: Clock.monotonicNanoseconds() - runStart, stopReason: nil, startedMonotonic: runStart)
    }

    /// `kernelChoiceFallback`: the plain `online` for every block not online as planned, in plan order. Online in
    /// the other zone (a conflict) is online: nothing to do. A stop ends it as it ends a worker.
    private func fallBack(_ records: inout [BlockRecord], executor: BlockExecutor, stop: StopFlag, runStart: UInt64) {
        for position in records.indices {
            switch records[position].outcome {
            case .failed, .refused, .notReached: break
            case .onlined, .alreadyOnline, .raced, .addedByKernel, .conflict: continue
            }
            if let condition = kernel.fatalCondition { stop.request(.kernelFailure(condition)) }
            if stop.isRequested { return }
            guard let outcome = executor.onlineInKernelsChoice(&records[position]) else { continue }
            records[position].outcome = outcome
            records[position].finishedAt = Clock.monotonicNanoseconds() - runStart
            log(records[position])
        }
    }

    /// Every block this run onlined, re-read once all writes are done: the report says what the kernel shows.
    private func verify(_ records: inout [BlockRecord], executor: BlockExecutor) {
        guard kernel.fatalCondition == nil else { return }
        for position in records.indices where records[position].outcome == .onlined {
            let outcome = executor.verify(&records[position])
            if records[position].onlinedAfterProbe {
                logger.warning(
                    "block left offline by auto-online, onlined explicitly",
                    metadata: ["block": "\(records[position].block.index)", "zone": "\(records[position].block.zone.rawValue)"])
            }
            guard let outcome else { continue }
            records[position].outcome = outcome
            log(records[position])
        }
    }

    private func work(
        _ queue: Queue, executor: BlockExecutor, stop: StopFlag, shared: ProgressBoard, runStart: UInt64, progress: (@Sendable (Progress) -> Void)?,
        deliver: (_ position: Int, _ record: BlockRecord) -> Void
    ) -> WorkerSummary {
        let zone = queue.zone ?? .normal
        if let cpus = options.cpus[zone], !cpus.isEmpty {
            let error = ThreadPlacement.pinCurrentThread(to: cpus)
            if error != 0 { logger.warning("cannot pin worker", metadata: ["worker": "\(queue.name)", "errno": "\(error)"]) }
        }
        if let priority = options.priority[zone] {
            let error = ThreadPlacement.apply(priority)
            if error != 0 {
                logger.warning("cannot set worker priority", metadata: ["worker": "\(queue.name)", "priority": "\(priority)", "errno": "\(error)"])
            }
        }
        var onlined = 0
        let started = Clock.monotonicNanoseconds()
        var writeTime: UInt64 = 0
        var failures = RepeatedFailures()
        for position in queue.positions {
            let block = plan.blocks[position]
            if stop.isRequested || kernel.fatalCondition != nil {
                if let condition = kernel.fatalCondition { stop.request(.kernelFailure(condition)) }
                deliver(position, BlockRecord(block: block, worker: queue.name))
                continue
            }
            let record = executor.execute(block, worker: queue.name)
            writeTime += record.writeNanoseconds
            log(record, repeated: failures.isRepeat(record))
            if record.outcome.isSuccess { onlined += 1 }
            deliver(position, record)
            guard let progress else { continue }
            let snapshot = shared.state.withLock { state -> Progress in
                if record.outcome.isSuccess {
                    state.done[block.zone, default: 0] += 1
                    state.bytesDone += plan.blockSize
                }
                state.elapsedNanoseconds = Clock.monotonicNanoseconds() - runStart
                return state
            }
            progress(snapshot)
        }
        for (outcome, cause, blocks, count) in failures.repeated {
            var metadata: Logger.Metadata = ["worker": "\(queue.name)", "blocks": "\(blocks)"]
            if case .failed(let stage, let errno, _) = outcome {
                metadata["stage"] = "\(stage)"
                if let errno { metadata["errno"] = "\(errno.symbol)" }
            }
            logger.error("\(count) more blocks \(cause)", metadata: metadata)
        }
        return WorkerSummary(
            name: queue.name, node: queue.node, zone: queue.zone, blocks: queue.positions.count, onlined: onlined,
            busyNanoseconds: Clock.monotonicNanoseconds() - started, writeNanoseconds: writeTime,
            cpus: ThreadPlacement.currentThreadCPUs(), priority: ThreadPlacement.currentThreadPriority())
    }

    /// One line per worker, once the run and its verification are over: a run's first log line costs more than
    /// its verification under emulation (the formatting code's first use, ≈ 15 ms under TCG), and nothing waits
    /// for it.
    private func logFinished(_ summaries: [WorkerSummary]) {
        for summary in summaries where summary.blocks > 0 {
            var metadata: Logger.Metadata = [
                "worker": "\(summary.name)", "blocks": "\(summary.onlined)", "bytes": "\(UInt64(summary.onlined) * plan.blockSize)",
                "planned": "\(summary.blocks)", "ms": "\(summary.busyNanoseconds / 1_000_000)",
            ]
            if let zone = summary.zone { metadata["zone"] = "\(zone.rawValue)" }
            if let node = summary.node { metadata["node"] = "\(node)" }
            logger.info("worker finished", metadata: metadata)
        }
    }

    /// `repeated`: a failure whose cause an earlier block of the worker already logged in full (RepeatedFailures).
    private func log(_ record: BlockRecord, repeated: Bool = false) {
        // Metadata costs more than the rest of a block's bookkeeping: build it only when it will be logged.
        let level: Logger.Level =
            switch record.outcome {
            case .onlined, .alreadyOnline, .raced, .addedByKernel: .debug
            case .conflict: .warning
            case .notReached: .trace
            case .failed, .refused: repeated ? .debug : .error
            }
        guard level >= logger.logLevel, record.outcome != .notReached else { return }
        var metadata: Logger.Metadata = [
            "block": "\(record.block.index)", "zone": "\(record.block.zone.rawValue)", "node": "\(record.block.node)",
            "outcome": "\(record.outcome.name)", "attempts": "\(record.attempts)",
        ]
        switch record.outcome {
        case .onlined, .alreadyOnline, .raced, .addedByKernel:
            logger.debug("block online", metadata: metadata)
        case .conflict(let actual):
            metadata["actual"] = "\(actual)"
            logger.warning("block online in another zone", metadata: metadata)
        case .failed(let stage, let errno, let reason):
            metadata["stage"] = "\(stage)"
            if let errno { metadata["errno"] = "\(errno.symbol)" }
            logger.log(level: level, "block failed: \(reason)", metadata: metadata)
        case .refused(let reason):
            logger.log(level: level, "block refused: \(reason)", metadata: metadata)
        case .notReached:
            break
        }
    }
}

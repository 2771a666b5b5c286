import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings
import SystemPackage
import TinyJSON

/// One `deferred-memd run`: the flow from a computed plan to a written report.
///
/// plan (reconciled with this boot's journal) → auto_online_blocks switched off (two writes per block) or to the
/// first probed zone (auto-zone) if probing → journal written →
/// engine → auto_online_blocks restored → report written atomically to `/run/deferred-memd/report.json`.
package struct DeferredRun: Sendable {
    package static let reportPath = "/run/deferred-memd/report.json"
    /// How long a run that stands down waits for the vendor kernel to finish adding (then it reports what it sees).
    static let kernelWaitLimit: UInt64 = 600_000_000_000

    package let machine: Machine
    package let files: KernelFiles
    /// Where the journal, the saved auto-online value and the report go: on disk, or in memory for a dry run.
    package let state: RuntimeState
    package let kernel: any HotplugKernel
    package let options: EngineOptions
    package let autoOnline: AutoOnlinePolicy
    /// What is sized again once memory is online, and the writes that do it.
    package var after = AfterConfiguration()
    package var tuning: (any SystemTuning)?
    package let logger: Logger
    package let mode: [(String, JSONValue)]
    /// Where the process's start-up phases ended, for the report's figures.
    package var startup = StartupStamps()

    package init(
        machine: Machine, files: KernelFiles, state: RuntimeState? = nil, kernel: any HotplugKernel, options: EngineOptions, autoOnline: AutoOnlinePolicy,
        logger: Logger, mode: [(String, JSONValue)] = []
    ) {
        self.machine = machine
        self.files = files
        self.state = state ?? .onDisk(files)
        self.kernel = kernel
        self.options = options
        self.autoOnline = autoOnline
        self.logger = logger
        self.mode = mode
    }

    /// The plan this run will carry out: the fresh plan, with this boot's journal applied.
    package func effectivePlan(_ fresh: Plan) -> (plan: Plan, resumed: Bool) {
        // A crash-dump kernel touches nothing, whatever a journal in /run says.
        guard fresh.crashKernel == nil else { return (fresh, false) }
        return PlanJournal(state: state).reconcile(fresh)
    }

    /// The zone of the first block the serial worker will probe (Normal first when the plan says so), or nil
    /// when every planned block is present, so that a run would not write to `probe`. A fresh plan's actions are
    /// what the machine showed moments ago (as the executor trusts them); a resumed one is checked block by block.
    func firstProbedZone(_ plan: Plan, fresh: Bool) -> Zone? {
        let absent = { (block: Plan.Block) in
            fresh ? block.action == .probe : !files.exists(MemoryBlockDirectory.attribute("state", of: block.index))
        }
        if plan.normalFirst, plan.blocks.contains(where: { $0.zone == .normal && absent($0) }) { return .normal }
        return plan.blocks.first(where: absent)?.zone
    }

    /// One entry per node and kernel zone (as `valid_zones` names it: DMA, Normal, Movable) with what came
    /// online, so the journal can be asked `ZONE=Movable NODE=1`.
    func logTotals(_ result: EngineResult, blockSize: UInt64) {
        var counts: [NodeZone: ZoneCount] = [:]
        for record in result.records {
            let key = NodeZone(node: record.block.node, zone: record.kernelZone ?? record.block.kernelZone)
            counts[key, default: ZoneCount()].planned += 1
            if record.outcome.isSuccess { counts[key, default: ZoneCount()].online += 1 }
        }
        for key in counts.keys.sorted() {
            guard let entry = counts[key] else { continue }
            logger.info(
                "zone online",
                metadata: [
                    "node": "\(key.node)", "zone": "\(key.zone)", "blocks": "\(entry.online)", "planned": "\(entry.planned)",
                    "bytes": "\(UInt64(entry.online) * blockSize)",
                ])
        }
    }

    /// What Linux sized from the boot memory, sized for the memory online now, when there is more of it than this
    /// boot's first run began with (`atStart`, from the journal when a run before this one recorded it: a run
    /// resumed after a crash sizes what the crashed one did not).
    func resize(_ result: EngineResult, blockSize: UInt64, atStart: UInt64?) -> [SizingOutcome] {
        let onlined = UInt64(result.records.filter { $0.outcome == .onlined }.count)
        guard let tuning, let atStart, let current = machine.meminfo?.memTotal else { return [] }
        // A dry run onlines nothing: the total is what the run would add.
        let now = state.writesToDisk ? (try? Meminfo.read(from: files))??.memTotal : current + onlined * blockSize
        guard let now else {
            logger.warning("cannot read MemTotal after the run: nothing sized for the memory online")
            return []
        }
        return Resizing(files: files, tuning: tuning, configuration: after, logger: logger, dryRun: !state.writesToDisk)
            .run(memTotalBefore: atStart, memTotalAfter: now, memTotalNow: state.writesToDisk ? now : current, pageSize: machine.pageSize)
    }

    /// Why the vendor kernel adds the memory and this run must not (nil: it may). `deferred_mem.mode=kernel`, or
    /// `state` reading `kernel` (the kernel took over after its timeout, or is checking a `done`).
    func kernelAdds(_ plan: Plan) -> String? {
        guard plan.crashKernel == nil else { return nil }
        if machine.commandLine.deferredMemKernelMode { return "deferred_mem.mode=kernel: the kernel adds the deferred memory itself" }
        if machine.deferredMemInit?.handover == .kernel { return "\(KernelHandover.path) reads 'kernel': the kernel is adding the deferred memory" }
        return nil
    }

    /// A run that stands down: no write; it waits for the kernel to finish (not in a dry run), and reports what the
    /// kernel did, block by block, and sizes the system for it.
    func standDown(_ plan: Plan, why: String, stop: StopFlag, startedWall: UInt64) -> RunReport {
        logger.notice("the kernel adds the deferred memory: standing down", metadata: ["why": "\(why)"])
        var notes = ["stood down, nothing written: \(why)"]
        if state.writesToDisk, machine.deferredMemInit?.handover != nil {
            let last = Handover(kernel: kernel).waitWhileKernelAdds(stop: stop, limit: Self.kernelWaitLimit)
            if last == .kernel { notes.append("the kernel was still adding when the wait ended") }
        }
        let engine = Engine(plan: plan, kernel: kernel, probeGuard: ProbeGuard(machine: machine), probeUnavailable: why, options: options, logger: logger)
        let result = engine.observeKernelWork()
        var report = RunReport(
            plan: plan, result: result, mode: mode + [("probeMethod", .string("kernel")), ("handover", .string("kernel"))], notes: notes, startedAt: startedWall
        )
        report.startup = startup
        // The kernel may have finished before this run read MemTotal: what it had before is now less what it added.
        let added = UInt64(result.records.filter { $0.outcome == .addedByKernel }.count) * plan.blockSize
        let now = state.writesToDisk ? (try? Meminfo.read(from: files))??.memTotal : machine.meminfo?.memTotal
        let atStart = now.map { $0 > added ? $0 - added : $0 }
        report.after = plan.blocks.isEmpty ? [] : resize(result, blockSize: plan.blockSize, atStart: atStart)
        do { try state.replace(Self.reportPath, streaming: report.write) } catch {
            logger.error("cannot write the report", metadata: ["error": "\(error)"])
        }
        return report
    }

    package func execute(_ fresh: Plan, stop: StopFlag, progress: (@Sendable (Progress) -> Void)? = nil) -> RunReport {
        let startedWall = Clock.wallMilliseconds()
        if let why = kernelAdds(fresh) { return standDown(fresh, why: why, stop: stop, startedWall: startedWall) }
        if let budget = fresh.memmapBudget, !budget.fits {
            // Before any write (not even the journal or auto_online_blocks): a half-probed machine with its memmap
            // spent is worse than the boot memory it had.
            logger.error(
                "not enough free memory for the memmap of the blocks to probe; nothing done",
                metadata: ["free": "\(budget.free)", "need": "\(budget.need)", "memmap": "\(budget.memmap)"])
            var report = RunReport(plan: fresh, result: .untouched(fresh), mode: mode, startedAt: startedWall)
            report.startup = startup
            do { try state.replace(Self.reportPath, streaming: report.write) } catch {
                logger.error("cannot write the report", metadata: ["error": "\(error)"])
            }
            return report
        }
        // The vendor kernel's handover: claimed before any write, after the memmap check (a run refused there leaves
        // the kernel's timeout in charge); EBUSY means the kernel took over meanwhile.
        var handover: Handover?
        if machine.deferredMemInit?.handover != nil, fresh.crashKernel == nil, !fresh.blocks.isEmpty {
            switch Handover(kernel: kernel).claim() {
            case .claimed: handover = Handover(kernel: kernel)
            case .kernelAdding:
                return standDown(
                    fresh, why: "\(KernelHandover.path) refused 'userspace' (EBUSY): the kernel is adding the deferred memory", stop: stop,
                    startedWall: startedWall)
            case .failed(let why): logger.warning("cannot claim the deferred memory from the kernel", metadata: ["error": "\(why)"])
            }
        }
        state.removeStaleTemporaryFiles()
        // Read before the journal is written again: a resumed run keeps what the first one began with.
        let memTotalAtStart = PlanJournal(state: state).memTotalAtStart() ?? machine.meminfo?.memTotal
        let (plan, resumed) = effectivePlan(fresh)
        var notes: [String] = []
        if resumed { notes.append("resumed the plan recorded earlier in this boot (\(PlanJournal.path))") }
        for warning in plan.warnings where warning.code == .planJournalIgnored { logger.warning("plan journal ignored", metadata: ["warning": "\(warning)"]) }
        let memory = MemoryBlockDirectory.path
        let firstProbed = firstProbedZone(plan, fresh: !resumed)

        let checkedAdd = options.effectiveProbeMethod(kernelHasCheckedAdd: machine.deferredMemInit?.checkedAdd ?? false) == .checkedAdd
        var probeUnavailable: String? = machine.memory.hasProbe || checkedAdd ? nil : "no \(memory)/probe (CONFIG_ARCH_MEMORY_PROBE is off)"
        let switcher = AutoOnlineSwitch(state: state, kernel: kernel)
        var switched = false
        var method = checkedAdd ? ProbeMethod.checkedAdd : .twoWrite
        var autoZone: AutoZoneSetting?
        if options.probeMethod == .checkedAdd, !checkedAdd {
            notes.append("ProbeMethod=checked-add: the kernel has no \(DeferredMemInit.onlinePath); two writes per block")
        }
        if !plan.blocks.isEmpty {
            let wantsAutoZone = options.effectiveProbeMethod(kernelHasCheckedAdd: false) == .autoZone && !checkedAdd
            do {
                // The checked add holds auto-online off itself, block by block: the machine's setting stays.
                var preparation = try switcher.prepare(
                    needsProbe: firstProbed != nil && probeUnavailable == nil && !checkedAdd, policy: autoOnline, autoZone: wantsAutoZone ? firstProbed : nil)
                if case .zonesRefused(let errno, let then) = preparation {
                    let why = errno == .invalidArgument ? "does not take a zone name (a kernel before 5.7)" : "could not be set to a zone (\(errno))"
                    notes.append("auto_online_blocks \(why): two writes per block")
                    logger.notice("auto_online_blocks \(why): two writes per block")
                    preparation = then
                }
                switch preparation {
                case .nothingToDo, .zonesRefused: break
                case .switched(let from):
                    switched = true
                    notes.append("auto_online_blocks was '\(from)': set to 'offline' for the run, restored afterwards")
                    logger.notice("auto_online_blocks switched off for the run", metadata: ["was": "\(from)"])
                case .autoZone(let from, let to):
                    switched = true
                    method = .autoZone
                    autoZone = AutoZoneSetting(current: to)
                    notes.append("auto_online_blocks was '\(from)': set to each probed block's zone for the run (one write per block), restored afterwards")
                case .refused(let current):
                    probeUnavailable = "auto_online_blocks is '\(current)' and AutoOnline=refuse: probing would let the kernel pick the zone"
                }
            } catch {
                probeUnavailable = "cannot switch auto_online_blocks off: \(error)"
            }
            do {
                try PlanJournal(state: state).record(plan, probeMethod: method, memTotalAtStart: memTotalAtStart)
            } catch {
                logger.warning("cannot record the plan journal; a crash now would be recovered with a fresh plan", metadata: ["error": "\(error)"])
            }
        }

        let engine = Engine(
            plan: plan, kernel: kernel, probeGuard: ProbeGuard(machine: machine), probeUnavailable: probeUnavailable, options: options, logger: logger,
            planIsFresh: !resumed, autoZone: autoZone, checkedAdd: checkedAdd)
        let result = engine.run(stop: stop, progress: progress)
        if let handover {
            // Whatever the run left out (failures, a stop), the kernel now adds: its check of userspace's claim.
            if let why = handover.finish() {
                logger.warning("cannot tell the kernel the run is done", metadata: ["error": "\(why)"])
            } else if result.records.contains(where: { !$0.outcome.isSuccess }) {
                notes.append("told the kernel 'done' (\(KernelHandover.path)): it adds the candidate blocks this run left out")
            }
        }
        // Logged after the writes: under emulation a first log line is milliseconds of new code before them.
        if firstProbed != nil { logger.info("probe method", metadata: ["method": "\(method.rawValue)"]) }
        let reonlined = result.records.filter(\.onlinedAfterProbe).count
        if reonlined > 0 {
            notes.append(
                "\(reonlined) block(s) stayed offline after their probe (the kernel's auto-online failed, silently) and were onlined with a state write")
        }

        if switched {
            do { try switcher.restore() } catch { logger.error("cannot restore auto_online_blocks", metadata: ["error": "\(error)"]) }
        }
        // A dry run onlines nothing: the journal gets no totals from it.
        if state.writesToDisk { logTotals(result, blockSize: plan.blockSize) }
        var runMode = mode + [("probeMethod", .string(method.rawValue))]
        if handover != nil { runMode.append(("handover", .string("userspace"))) }
        var report = RunReport(plan: plan, result: result, mode: runMode, notes: notes, startedAt: startedWall)
        report.startup = startup
        report.after = plan.blocks.isEmpty ? [] : resize(result, blockSize: plan.blockSize, atStart: memTotalAtStart)
        do {
            try state.replace(Self.reportPath, streaming: report.write)
        } catch {
            logger.error("cannot write the report", metadata: ["error": "\(error)"])
        }
        return report
    }
}

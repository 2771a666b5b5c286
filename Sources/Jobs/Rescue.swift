import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings

/// The safety net behind `deferred-memd.service` (`OnFailure=`): every block still offline goes online in the
/// kernel zone, the choice that cannot strand the kernel without unmovable memory.
///
/// It trusts as little as it can: no configuration, no journal, no split. When the machine's sources read
/// cleanly it also probes the deferred blocks that are not present yet (behind the same `ProbeGuard`); when they
/// do not, it still onlines whatever offline blocks it can list. A block the kernel refuses as Normal gets a
/// plain `online` (the kernel's own choice) rather than staying offline: the engine's `kernelChoiceFallback`, so
/// with a run's retries, read-back and one record per block, and a report as a run's (`reportPath`).
package struct Rescue: Sendable {
    /// The rescue's report, beside the run's (`DeferredRun.reportPath`, which it leaves as the failed run wrote it).
    package static let reportPath = "/run/deferred-memd/rescue.json"

    package let files: KernelFiles
    package let kernel: any HotplugKernel
    package let logger: Logger

    package init(files: KernelFiles, kernel: any HotplugKernel, logger: Logger) {
        self.files = files
        self.kernel = kernel
        self.logger = logger
    }

    package struct Outcome: Sendable {
        package var onlined: Int
        package var failed: [Int]
        package var note: String?
        /// Every block's record from the engine (a block onlined by the plain `online` counts as onlined, its
        /// record marked `zoneChosenByKernel`), for metrics.
        package var records: [BlockRecord] = []
        package var blockSize: UInt64 = 0
        package var elapsedNanoseconds: UInt64 = 0
        package var summary: String {
            var text = "rescue: \(onlined) blocks onlined in the kernel zone"
            if !failed.isEmpty { text += ", \(failed.count) still offline (memory\(failed.map(String.init).joined(separator: ", memory")))" }
            if let note { text += "; \(note)" }
            return text
        }
    }

    package func run(stop: StopFlag) -> Outcome {
        var note: String?
        let plan: Plan
        let guardrail: ProbeGuard
        var probeUnavailable: String?
        do {
            let machine = try Machine.read(from: files)
            if let marker = machine.crashKernelMarker { return Self.crashKernel(marker) }
            var fresh = try Planner().plan(machine: machine, split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none))
            fresh.normalFirst = true
            plan = fresh
            guardrail = ProbeGuard(machine: machine)
            if !machine.memory.hasProbe { probeUnavailable = "no probe file" }
            if machine.memory.autoOnlineBlocks.map({ $0 != "offline" }) ?? false {
                probeUnavailable = "auto_online_blocks is not offline; the kernel would pick the zone"
            }
        } catch {
            // Even with sources that do not parse, a crash-dump kernel must not online anything.
            if let marker = Machine.crashKernelMarker(in: files) { return Self.crashKernel(marker) }
            note = "machine sources unreadable (\(error)); only present offline blocks were onlined"
            logger.warning("rescue: machine sources unreadable; onlining present offline blocks only", metadata: ["error": "\(error)"])
            let blockSize = (try? MemoryBlockDirectory.readBlockSize(from: files)) ?? 128 << 20
            let offline = offlineBlocks().map { Plan.Block(index: $0, start: UInt64($0) * blockSize, node: 0, zone: .normal, action: .online) }
            plan = Plan(
                blockSize: blockSize, source: .offlineBlocks, bootEnd: nil, ram: RangeSet(), blocks: offline, skipped: [],
                split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none), normalFirst: true, warnings: [])
            guardrail = ProbeGuard(ram: RangeSet(), reserved: [])
            probeUnavailable = "machine sources unreadable"
        }
        let engine = Engine(
            plan: plan, kernel: kernel, probeGuard: guardrail, probeUnavailable: probeUnavailable, options: EngineOptions(workers: .serial), logger: logger,
            kernelChoiceFallback: true)
        let started = Clock.monotonicNanoseconds()
        let startedWall = Clock.wallMilliseconds()
        let result = engine.run(stop: stop)
        let onlined = result.records.filter { $0.outcome.isSuccess && !$0.block.alreadyOnline }.count
        let failed = result.records.filter { record in
            // Online but in Movable (a udev rule got there) is online: nothing to rescue.
            if case .conflict = record.outcome { return false }
            return !record.outcome.isSuccess
        }.map(\.block.index)
        for record in result.records where record.zoneChosenByKernel && record.outcome.isSuccess {
            logger.notice(
                "rescue: block onlined in the kernel's own choice of zone",
                metadata: ["block": "\(record.block.index)", "zone": "\(record.kernelZone ?? "unknown")"])
        }
        var report = RunReport(plan: plan, result: result, mode: [("command", .string("rescue"))], notes: note.map { [$0] } ?? [], startedAt: startedWall)
        report.judged = failed.isEmpty ? .success : .partial
        do { try RuntimeState.onDisk(files).replace(Self.reportPath, streaming: report.write) } catch {
            logger.error("rescue: cannot write the report", metadata: ["error": "\(error)"])
        }
        return Outcome(
            onlined: onlined, failed: failed, note: note, records: result.records, blockSize: plan.blockSize,
            elapsedNanoseconds: Clock.monotonicNanoseconds() - started)
    }

    /// Nothing written: the RAM a crash-dump kernel does not use belongs to the crashed kernel being dumped.
    static func crashKernel(_ marker: String) -> Outcome {
        Outcome(onlined: 0, failed: [], note: "crash-dump kernel (\(marker)): nothing onlined")
    }

    /// Offline blocks found by listing, tolerating blocks that do not read cleanly.
    func offlineBlocks() -> [Int] {
        let names = (try? files.list(MemoryBlockDirectory.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("memory"), let index = Int(name.dropFirst(6)) else { return nil }
            return (try? files.readValue("\(MemoryBlockDirectory.path)/\(name)/state")) == "offline" ? index : nil
        }.sorted()
    }
}

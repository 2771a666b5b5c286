import Execution
import MemoryModel
import Planning
import Settings
import TinyJSON

/// The end of a run: the summary line, the exit code, and the JSON report written to
/// `/run/deferred-memd/report.json`.
package struct RunReport: Sendable {
    package let plan: Plan
    package let result: EngineResult
    package let mode: [(String, JSONValue)]
    package let notes: [String]
    /// Milliseconds since the epoch when the run started.
    package let startedAt: UInt64
    /// Where the start-up's phases ended (zeros: not known).
    package var startup = StartupStamps()
    /// What was sized again for the memory online, after the blocks (`Resizing`).
    package var after: [SizingOutcome] = []
    /// The exit status of a pipeline that judges its blocks otherwise than a run: the rescue, for which a block
    /// online in Movable (a udev rule got there first) is rescued, not a conflict. nil: `status` judges.
    package var judged: ExitStatus?

    package init(plan: Plan, result: EngineResult, mode: [(String, JSONValue)], notes: [String] = [], startedAt: UInt64 = 0) {
        self.plan = plan
        self.result = result
        self.mode = mode
        self.notes = notes
        self.startedAt = startedAt
    }

    package func count(_ predicate: (BlockOutcome) -> Bool) -> Int { result.records.reduce(0) { $0 + (predicate($1.outcome) ? 1 : 0) } }

    /// success: every planned block online as planned; interrupted: a signal stopped it first; nothing done:
    /// no planned block is online as planned (or the simulated kernel panicked, or `mem=` hid memory that no RAM
    /// map locates, so there was nothing the daemon could plan); partial: anything else.
    package var status: ExitStatus {
        if let judged { return judged }
        if plan.crashKernel != nil { return .nothingDone }
        if plan.stuckAtBootMemory { return .nothingDone }
        if let budget = plan.memmapBudget, !budget.fits { return .memoryShortfall }
        let succeeded = count(\.isSuccess)
        if succeeded == result.records.count { return .success }
        if case .kernelFailure = result.stopReason { return .nothingDone }
        if result.stopReason != nil && count({ $0 == .notReached }) > 0 { return .interrupted }
        return succeeded == 0 ? .nothingDone : .partial
    }

    /// `onlined 80/80 blocks (10.0 GiB) in 412 ms: Normal 40, Movable 40`, then what went wrong, if anything.
    package var summary: String {
        // Counted, not filtered: copies of the records would be the run's peak of memory at 8192 blocks.
        var normal = 0, movable = 0
        for record in result.records where record.outcome.isSuccess {
            if record.block.zone == .normal { normal += 1 } else { movable += 1 }
        }
        let succeeded = normal + movable
        let bytes = UInt64(succeeded) * plan.blockSize
        var line =
            "onlined \(succeeded)/\(result.records.count) blocks (\(ByteCount.describe(bytes))) in \(result.elapsedNanoseconds / 1_000_000) ms: Normal \(normal), Movable \(movable)"
        var problems: [String] = []
        let already = count { $0 == .alreadyOnline }
        if already > 0 { problems.append("\(already) already online") }
        let raced = count { $0 == .raced }
        if raced > 0 { problems.append("\(raced) onlined by another agent") }
        let byKernel = count { $0 == .addedByKernel }
        if byKernel > 0 { problems.append("\(byKernel) added by the kernel") }
        for (name, n) in [
            ("conflicts", count { if case .conflict = $0 { true } else { false } }),
            ("failed", count { if case .failed = $0 { true } else { false } }),
            ("refused", count { if case .refused = $0 { true } else { false } }),
            ("not reached", count { $0 == .notReached }),
        ] where n > 0 {
            problems.append("\(n) \(name)")
        }
        if !problems.isEmpty { line += " (" + problems.joined(separator: ", ") + ")" }
        if let failure = failureLine { line += "; " + failure }
        if let reason = result.stopReason { line += "; stopped: \(reason)" }
        let sized = after.filter { $0.status == .changed || $0.status == .planned }
        if !sized.isEmpty { line += "; sized for it: " + sized.map(\.description).joined(separator: ", ") }
        let unsized = after.filter { $0.status == .failed }
        if !unsized.isEmpty { line += "; not sized: " + unsized.map(\.description).joined(separator: ", ") }
        if let marker = plan.crashKernel { line += "; nothing done: crash-dump kernel (\(marker))" }
        if let unlocated = plan.deferredMemoryUnlocated { line += (plan.stuckAtBootMemory ? "; nothing done: " : "; ") + unlocated.message }
        if let budget = plan.memmapBudget {
            if !budget.fits {
                line +=
                    "; nothing done: free memory \(ByteCount.describe(budget.free)) is below the \(ByteCount.describe(budget.need)) the memmap of the blocks to probe needs (\(ByteCount.describe(budget.memmap)) in all, Normal blocks first)"
            } else if budget.tight, let start = result.memFreeStart, let low = result.memFreeLow {
                line += "; free memory \(ByteCount.describe(start)) at start, \(ByteCount.describe(low)) at its lowest"
            }
        }
        return line
    }

    /// Why blocks failed, for the summary line (STATUS=, `status`): the reason itself when every failure shares it
    /// (no probe file: one cause, however many blocks), else the first failure's.
    private var failureLine: String? {
        var first: (index: Int, stage: FailureStage, reason: String)?
        var failed = 0, sameReason = true
        for record in result.records {
            guard case .failed(let stage, _, let reason) = record.outcome else { continue }
            failed += 1
            if let first { sameReason = sameReason && first.stage == stage && first.reason == reason } else { first = (record.block.index, stage, reason) }
        }
        guard let first else { return nil }
        if failed == 1 { return "memory\(first.index) failed at \(first.stage): \(first.reason)" }
        return sameReason
            ? "all \(failed) failed at \(first.stage): \(first.reason)" : "first failure: memory\(first.index) at \(first.stage): \(first.reason)"
    }

    /// The report as pretty JSON, handed to `emit` in pieces: members, then one piece per block, so that a run
    /// over many blocks never holds its whole report (as values or as text) in memory.
    package func write(_ emit: (String) -> Void) {
        let records = result.records
        let counts = result.countsByNode
        func zoneTotals(_ nodes: [Int]) -> JSONValue {
            .object(
                Zone.allCases.map { zone in
                    let planned = nodes.reduce(0) { $0 + (counts[$1]?[zone]?.planned ?? 0) }
                    let online = nodes.reduce(0) { $0 + (counts[$1]?[zone]?.online ?? 0) }
                    return (
                        zone.rawValue,
                        .object([
                            ("plannedBlocks", .int(Int64(planned))), ("onlineBlocks", .int(Int64(online))),
                            ("plannedBytes", .uint(UInt64(planned) * plan.blockSize)), ("onlineBytes", .uint(UInt64(online) * plan.blockSize)),
                        ])
                    )
                })
        }
        let nodes = counts.keys.sorted()
        let memory = ProcessMemory.current()
        let head: [(String, JSONValue)] = [
            ("summary", .string(summary)),
            ("exitCode", .int(Int64(status.rawValue))),
            ("startedAt", .uint(startedAt)),
            ("elapsedNanoseconds", .uint(result.elapsedNanoseconds)),
            ("monotonicMain", .uint(startup.main)),
            ("monotonicMachineRead", .uint(startup.machineRead)),
            ("monotonicPlanned", .uint(startup.planned)),
            ("monotonicStart", .uint(result.startedMonotonic)),
            ("monotonicFirstWrite", .uint(result.firstWriteMonotonic)),
            ("verifyNanoseconds", .uint(result.verifyNanoseconds)),
            ("peakRSSKiB", .uint(memory.peakKiB)),
            ("rssAnonymousKiB", .uint(memory.anonymousKiB)),
            ("rssFileKiB", .uint(memory.fileKiB)),
            ("memFreeStart", result.memFreeStart.map { .uint($0) } ?? .null),
            ("memFreeLow", result.memFreeLow.map { .uint($0) } ?? .null),
            ("memmap", plan.memmapBudget.map(\.json) ?? .null),
            ("mode", .object(mode)),
            ("stopReason", result.stopReason.map { .string($0.description) } ?? .null),
            ("blockSize", .uint(plan.blockSize)),
            ("totals", zoneTotals(nodes)),
            ("nodes", .array(nodes.map { node in .object([("node", .int(Int64(node))), ("zones", zoneTotals([node]))]) })),
            (
                "workers",
                .array(
                    result.workers.map { worker in
                        .object([
                            ("name", .string(worker.name)), ("node", worker.node.map { .int(Int64($0)) } ?? .null),
                            ("zone", worker.zone.map { .string($0.rawValue) } ?? .null), ("blocks", .int(Int64(worker.blocks))),
                            ("busyNanoseconds", .uint(worker.busyNanoseconds)), ("writeNanoseconds", .uint(worker.writeNanoseconds)),
                            ("cpus", .array(worker.cpus.map { .int(Int64($0)) })), ("priority", worker.priority.json),
                        ])
                    })
            ),
        ]
        let tail: [(String, JSONValue)] = [
            ("after", .array(after.map(\.json))),
            ("notes", .array(notes.map { .string($0) })),
            ("warnings", .array(plan.warnings.map(\.json))),
        ]
        emit("{")
        for (key, value) in head { emit("\n  \(JSONValue.quoted(key)): \(value.serialized(indent: 2, level: 1)),") }
        emit("\n  \"blocks\": [")
        for (position, record) in records.enumerated() {
            emit((position == 0 ? "\n    " : ",\n    ") + Self.entry(record).serialized(indent: 2, level: 2))
        }
        emit(records.isEmpty ? "]" : "\n  ]")
        for (key, value) in tail { emit(",\n  \(JSONValue.quoted(key)): \(value.serialized(indent: 2, level: 1))") }
        emit("\n}\n")
    }

    /// The whole report as text (`run --json`; tests).
    package var serialized: String {
        var text = ""
        write { text += $0 }
        return text
    }

    static func entry(_ record: BlockRecord) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("index", .int(Int64(record.block.index))), ("start", .uint(record.block.start)),
            ("node", .int(Int64(record.block.node))), ("zone", .string(record.block.zone.rawValue)),
            ("kernelZone", .string(record.kernelZone ?? record.block.kernelZone)),
            ("action", .string(record.block.action.rawValue)), ("outcome", .string(record.outcome.name)),
            ("attempts", .int(Int64(record.attempts))), ("errno", record.lastErrno.map { .string($0.symbol) } ?? .null),
            ("worker", .string(record.worker)), ("startedAt", .uint(record.startedAt)), ("finishedAt", .uint(record.finishedAt)),
            ("writeNanoseconds", .uint(record.writeNanoseconds)), ("writes", .array(record.writes.names.map { .string($0) })),
        ]
        if record.onlinedAfterProbe { members.append(("onlinedAfterProbe", .bool(true))) }
        switch record.outcome {
        case .conflict(let actual): members.append(("actualZone", .string(actual)))
        case .failed(let stage, _, let reason):
            members.append(("stage", .string(stage.rawValue)))
            members.append(("reason", .string(reason)))
        case .refused(let reason): members.append(("reason", .string(reason)))
        default: break
        }
        return .object(members)
    }
}

extension WorkerPriority {
    /// The nice value as a number, or `"idle"`.
    var json: JSONValue {
        switch self {
        case .nice(let value): .int(Int64(value))
        case .idle: .string("idle")
        }
    }
}

import KernelFiles
import Logging
import MemoryModel
import Planning
import Synchronization

/// What the engine did: one record per planned block, in plan order, and one summary per worker.
package struct EngineResult: Sendable {
    package var records: [BlockRecord]
    package var workers: [WorkerSummary]
    package var elapsedNanoseconds: UInt64
    package var stopReason: StopReason?
    /// CLOCK_MONOTONIC when the engine started: block times are relative to it; benchmarks compare it with
    /// the moment they exec'd the daemon.
    package var startedMonotonic: UInt64 = 0
    /// CLOCK_MONOTONIC when the first kernel write began (0: none was made).
    package var firstWriteMonotonic: UInt64 = 0
    /// Time spent re-reading the blocks this run onlined, after the writes.
    package var verifyNanoseconds: UInt64 = 0
    /// `MemFree` before the first write (nil: `/proc/meminfo` could not be read).
    package var memFreeStart: UInt64? = nil
    /// The lowest `MemFree` read: at the start, after every probe while the plan says memory is tight, at the end.
    package var memFreeLow: UInt64? = nil
}

extension EngineResult {
    /// Nothing written: every planned block not reached (a plan refused before the engine ran).
    package static func untouched(_ plan: Plan) -> EngineResult {
        EngineResult(records: plan.blocks.map { BlockRecord(block: $0, worker: "none") }, workers: [], elapsedNanoseconds: 0, stopReason: nil)
    }

    /// Per node, per zone: what was planned and what is online as planned. For the report and the journal.
    package var countsByNode: [Int: [Zone: ZoneCount]] {
        var counts: [Int: [Zone: ZoneCount]] = [:]
        for record in records {
            counts[record.block.node, default: [:]][record.block.zone, default: ZoneCount()].planned += 1
            if record.outcome.isSuccess { counts[record.block.node, default: [:]][record.block.zone, default: ZoneCount()].online += 1 }
        }
        return counts
    }
}

import Execution
import Planning

/// What a fleet dashboard needs from one `run`, `rescue` or `watch` burst, as Prometheus metrics
/// (`deferred_memd_` prefix, bytes and seconds, a `command` label so the three files never clash).
///
/// Missing memory is what a dashboard counts: planned blocks that are not online at all (failed, refused, not
/// reached). A block online in the other zone (`conflict`) is memory present, so it is not missing.
package struct RunMetrics: Sendable, Equatable {
    package struct BlockKey: Sendable, Hashable, Comparable {
        package var node: Int
        package var zone: String
        package var outcome: String

        package init(node: Int, zone: String, outcome: String) {
            self.node = node
            self.zone = zone
            self.outcome = outcome
        }

        package static func < (lhs: BlockKey, rhs: BlockKey) -> Bool {
            (lhs.node, lhs.zone, lhs.outcome) < (rhs.node, rhs.zone, rhs.outcome)
        }
    }

    package var command: String
    package var blocks: [BlockKey: Int]
    package var blockSize: UInt64
    package var missingBytes: UInt64
    package var failedBlocks: Int
    package var durationNanoseconds: UInt64
    package var exitStatus: ExitStatus
    /// Wall-clock milliseconds since the epoch.
    package var endedAtMilliseconds: UInt64
    /// Warnings by code.
    package var warnings: [String: Int]
    /// Families only this command has (watch's totals since it started).
    package var extra: [PrometheusTextfile.Family] = []

    /// From the final outcome of every planned block.
    package init(
        command: String, records: [BlockRecord], blockSize: UInt64, durationNanoseconds: UInt64, exitStatus: ExitStatus, endedAtMilliseconds: UInt64,
        warnings: [PlanWarning]
    ) {
        self.command = command
        self.blockSize = blockSize
        self.durationNanoseconds = durationNanoseconds
        self.exitStatus = exitStatus
        self.endedAtMilliseconds = endedAtMilliseconds
        var blocks: [BlockKey: Int] = [:]
        var missing = 0
        var failed = 0
        for record in records {
            blocks[BlockKey(node: record.block.node, zone: record.block.zone.rawValue, outcome: record.outcome.name), default: 0] += 1
            switch record.outcome {
            case .failed:
                failed += 1
                missing += 1
            case .refused, .notReached: missing += 1
            default: break
            }
        }
        self.blocks = blocks
        self.missingBytes = UInt64(missing) * blockSize
        self.failedBlocks = failed
        var byCode: [String: Int] = [:]
        for warning in warnings { byCode[warning.code.rawValue, default: 0] += 1 }
        self.warnings = byCode
    }

    package var textfile: PrometheusTextfile {
        let command = ("command", self.command)
        let keys = blocks.keys.sorted()
        func perBlock(_ value: (Int) -> String) -> [PrometheusTextfile.Sample] {
            keys.map { key in
                .init([command, ("node", "\(key.node)"), ("zone", key.zone), ("outcome", key.outcome)], value(blocks[key] ?? 0))
            }
        }
        return PrometheusTextfile(
            [
                .init(
                    "deferred_memd_blocks", .gauge, help: "Memory blocks of the last run, by NUMA node, planned zone and outcome.",
                    perBlock { "\($0)" }),
                .init(
                    "deferred_memd_memory_bytes", .gauge, help: "Memory of the last run, by NUMA node, planned zone and outcome.",
                    perBlock { "\(UInt64($0) * blockSize)" }),
                .init(
                    "deferred_memd_missing_bytes", .gauge, help: "Deferred memory the last run planned that is not online (failed, refused or not reached).",
                    [.init([command], "\(missingBytes)")]),
                .init("deferred_memd_failed_blocks", .gauge, help: "Memory blocks the last run failed to bring online.", [.init([command], "\(failedBlocks)")]),
                .init(
                    "deferred_memd_last_run_duration_seconds", .gauge, help: "How long the last run took.",
                    [.init([command], PrometheusTextfile.decimal(durationNanoseconds, scale: 9))]),
                .init(
                    "deferred_memd_last_run_exit_status", .gauge,
                    help: "Exit status of the last run (deferred-memd(8): 0 success, 1 nothing done, 3 partial, 4 interrupted).",
                    [.init([command], "\(exitStatus.rawValue)")]),
                .init(
                    "deferred_memd_last_run_end_time_seconds", .gauge, help: "When the last run ended, in seconds since the epoch.",
                    [.init([command], PrometheusTextfile.decimal(endedAtMilliseconds, scale: 3))]),
                .init(
                    "deferred_memd_warnings", .gauge, help: "Warnings of the last run, by code (Docs/design.md, Plan rules).",
                    warnings.keys.sorted().map { .init([command, ("code", $0)], "\(warnings[$0] ?? 0)") }),
            ] + extra)
    }
}

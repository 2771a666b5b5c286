import MemoryModel
import Planning
import Settings
import TinyJSON

/// `deferred-memd plan`: the plan as a table per node and zone, or as JSON (schema in Docs/plan-json.md).
package enum PlanReport {
    /// Consecutive blocks with the same node, zone and action, shown as one row.
    package struct Run: Equatable, Sendable {
        package var node: Int
        package var zone: Zone
        /// The zone as the kernel will show it (DMA where arm64's DMA zone spans the block).
        package var kernelZone: String
        package var action: Plan.Action
        package var first: Int
        package var last: Int
        package var done: Int
    }

    package static func runs(_ plan: Plan) -> [Run] {
        var runs: [Run] = []
        for block in plan.blocks {
            if var last = runs.last, last.node == block.node, last.zone == block.zone, last.kernelZone == block.kernelZone, last.action == block.action,
                last.last + 1 == block.index
            {
                last.last = block.index
                last.done += block.alreadyOnline ? 1 : 0
                runs[runs.count - 1] = last
            } else {
                runs.append(
                    Run(
                        node: block.node, zone: block.zone, kernelZone: block.kernelZone, action: block.action, first: block.index, last: block.index,
                        done: block.alreadyOnline ? 1 : 0))
            }
        }
        return runs.sorted { ($0.node, $0.zone, $0.first) < ($1.node, $1.zone, $1.first) }
    }

    package static func text(_ plan: Plan) -> String {
        var out = "source: \(plan.source.rawValue), block size \(ByteCount.lsmemStyle(plan.blockSize))"
        if let pageSize = plan.pageSize { out += ", page size \(ByteCount.lsmemStyle(pageSize))" }
        out += "\n"
        if let bootEnd = plan.bootEnd {
            out += "boot memory ends at \(Hex.prefixed(bootEnd))\n"
        } else {
            out += "boot memory: not limited (only offline blocks are deferred)\n"
        }
        out += "RAM: " + plan.ram.ranges.map { "\($0) (\(ByteCount.lsmemStyle($0.size)))" }.joined(separator: ", ") + "\n"
        out += "split: \(describe(plan.split))\n\n"
        if let marker = plan.crashKernel {
            out += "nothing to do: this is a crash-dump kernel (\(marker)); the memory it does not use belongs to the crashed kernel being dumped\n"
        } else if plan.blocks.isEmpty {
            out += "nothing to do: no deferred memory\n"
        } else {
            var table = TextTable(headers: ["NODE", "ZONE", "RANGE", "SIZE", "BLOCKS", "ACTION"], rightAligned: [0, 3, 4])
            for run in runs(plan) {
                let range = AddressRange(start: UInt64(run.first) * plan.blockSize, end: UInt64(run.last + 1) * plan.blockSize)
                let action = run.action == .probe ? "probe+online" : "online"
                let done = run.done == 0 ? "" : " (\(run.done) already online)"
                table.rows.append([
                    "\(run.node)", run.kernelZone, "\(Hex.padded16(range.start))-\(Hex.padded16(range.end - 1))",
                    ByteCount.lsmemStyle(range.size), run.first == run.last ? "\(run.first)" : "\(run.first)-\(run.last)", action + done,
                ])
            }
            out += table.render()
        }
        let normal = plan.bytes(in: .normal), movable = plan.bytes(in: .movable)
        out +=
            "\ntotal: \(ByteCount.describe(plan.totalBytes)) in \(plan.blocks.count) blocks: Normal \(ByteCount.describe(normal)) (\(normal / plan.blockSize)), Movable \(ByteCount.describe(movable)) (\(movable / plan.blockSize))\n"
        if !plan.skipped.isEmpty {
            out += "skipped \(ByteCount.describe(plan.lostBytes)) of RAM:\n"
            for skip in plan.skipped { out += "  \(skip.range) \(ByteCount.describe(skip.bytes)): \(skip.reason)\n" }
        }
        if !plan.warnings.isEmpty {
            out += "warnings:\n"
            for warning in plan.warnings { out += "  - \(warning)\n" }
        }
        return out
    }

    static func describe(_ split: SplitRequest) -> String {
        var parts: [String] = []
        if let k = split.kernelCore { parts.append("kernelcore=\(k)") }
        if let m = split.movableCore { parts.append("movablecore=\(m)") }
        return parts.isEmpty ? "everything to Normal (nothing configured)" : parts.joined(separator: " ") + " from \(split.source)"
    }

    package static func json(_ plan: Plan) -> JSONValue {
        .object([
            ("blockSize", .uint(plan.blockSize)),
            ("pageSize", plan.pageSize.map { .uint($0) } ?? .null),
            ("source", .string(plan.source.rawValue)),
            ("bootEnd", plan.bootEnd.map { .uint($0) } ?? .null),
            ("ram", .array(plan.ram.ranges.map { .object([("start", .uint($0.start)), ("size", .uint($0.size))]) })),
            (
                "split",
                .object([
                    ("kernelcore", plan.split.kernelCore.map { .string($0.description) } ?? .null),
                    ("movablecore", plan.split.movableCore.map { .string($0.description) } ?? .null),
                    ("source", .string(plan.split.source.description)),
                ])
            ),
            (
                "blocks",
                .array(
                    plan.blocks.map { block in
                        .object([
                            ("index", .int(Int64(block.index))), ("start", .uint(block.start)), ("node", .int(Int64(block.node))),
                            ("zone", .string(block.zone.rawValue)), ("kernelZone", .string(block.kernelZone)),
                            ("action", .string(block.action.rawValue)),
                            ("alreadyOnline", .bool(block.alreadyOnline)),
                        ])
                    })
            ),
            ("totals", .object(Zone.allCases.map { ($0.rawValue, .uint(plan.bytes(in: $0))) })),
            (
                "skipped",
                .array(
                    plan.skipped.map { skip in
                        .object([
                            ("start", .uint(skip.range.start)), ("size", .uint(skip.range.size)), ("bytes", .uint(skip.bytes)),
                            ("reason", .string(skip.reason.description)),
                        ])
                    })
            ),
            ("normalFirst", .bool(plan.normalFirst)),
            ("memmap", plan.memmapBudget.map(\.json) ?? .null),
            ("warnings", .array(plan.warnings.map(\.json))),
            ("crashKernel", plan.crashKernel.map { .string($0) } ?? .null),
        ])
    }
}

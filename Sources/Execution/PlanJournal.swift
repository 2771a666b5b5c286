import KernelFiles
import MemoryModel
import Planning
import TinyJSON

/// The plan of this boot, written to `/run/deferred-memd/plan.json` before the first kernel write.
///
/// A run killed half-way leaves some blocks online; the next run must give every block the zone the first run
/// planned, even where the fresh plan would differ (the split of the remaining offline blocks is not the split
/// of the whole). `/run` is emptied at boot and the journal carries the boot id, so it never outlives its boot.
package struct PlanJournal: Sendable {
    package static let path = "/run/deferred-memd/plan.json"
    package static let bootIDPath = "/proc/sys/kernel/random/boot_id"

    package let state: RuntimeState

    package init(state: RuntimeState) {
        self.state = state
    }

    var bootID: String { (try? state.files.readValue(Self.bootIDPath)) ?? "" }

    /// The fresh plan with every block the journal knows taking the journal's zone and node; blocks only the
    /// journal knows are added back (an earlier run onlined them, so the fresh plan no longer sees them).
    package func reconcile(_ fresh: Plan) -> (plan: Plan, resumed: Bool) {
        guard let text = try? state.readText(Self.path), let journal = try? JSONValue(parsing: text),
            journal["bootId"]?.stringValue == bootID, journal["blockSize"]?.uint64Value == fresh.blockSize,
            let extents = (journal["extents"] ?? journal["runs"])?.arrayValue
        else { return (fresh, false) }
        var byIndex: [Int: Plan.Block] = [:]
        for block in fresh.blocks { byIndex[block.index] = block }
        for extent in extents {
            guard let first = extent["first"]?.int64Value.map(Int.init), let count = extent["count"]?.int64Value.map(Int.init), count > 0,
                let node = extent["node"]?.int64Value.map(Int.init),
                let zone = extent["zone"]?.stringValue.flatMap(Zone.init(rawValue:)),
                let action = extent["action"]?.stringValue.flatMap(Plan.Action.init(rawValue:))
            else { continue }
            for index in first..<(first + count) {
                if var existing = byIndex[index] {
                    existing.zone = zone
                    existing.node = node
                    byIndex[index] = existing
                } else {
                    byIndex[index] = Plan.Block(index: index, start: UInt64(index) * fresh.blockSize, node: node, zone: zone, action: action)
                }
            }
        }
        var plan = fresh
        plan.blocks = byIndex.values.sorted { $0.index < $1.index }
        return (plan, true)
    }

    /// Consecutive blocks with the same node, zone and action, as one entry: a 16 TiB plan is a handful of
    /// entries, not 131,072, and it is written before the first kernel write.
    package func record(_ plan: Plan) throws(KernelFileError) {
        var extents: [JSONValue] = []
        var current: (first: Int, count: Int, block: Plan.Block)?
        func close() {
            guard let extent = current else { return }
            extents.append(
                .object([
                    ("first", .int(Int64(extent.first))), ("count", .int(Int64(extent.count))), ("node", .int(Int64(extent.block.node))),
                    ("zone", .string(extent.block.zone.rawValue)), ("action", .string(extent.block.action.rawValue)),
                ]))
        }
        for block in plan.blocks {
            if let extent = current, extent.first + extent.count == block.index, extent.block.node == block.node,
                extent.block.zone == block.zone, extent.block.action == block.action
            {
                current?.count += 1
            } else {
                close()
                current = (block.index, 1, block)
            }
        }
        close()
        let value = JSONValue.object([("bootId", .string(bootID)), ("blockSize", .uint(plan.blockSize)), ("extents", .array(extents))])
        try state.replace(Self.path, text: value.serialized(indent: nil) + "\n")
    }
}

import KernelFiles
import MemoryModel
import Planning
import Settings
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

    /// NUMA node ids the kernel can have (`MAX_NUMNODES`: `CONFIG_NODES_SHIFT` is at most 10).
    static let nodeLimit = 1 << 10

    /// The fresh plan with every block the journal knows taking the journal's zone and node; blocks only the
    /// journal knows are added back (an earlier run onlined them, so the fresh plan no longer sees them).
    ///
    /// The journal is written whole (atomic replace) by this daemon, so a file that does not read back as what it
    /// writes is corrupt, not stale: it is ignored as a whole (fresh plan, with a `plan-journal-ignored` warning)
    /// rather than applied in part. That covers an entry that is malformed, names a node the kernel cannot have, or
    /// names a block that is neither in the fresh plan nor wholly inside the plan's RAM (a bogus index or count
    /// would otherwise probe a hole, or allocate a block per index).
    package func reconcile(_ fresh: Plan) -> (plan: Plan, resumed: Bool) {
        guard let text = try? state.readText(Self.path) else { return (fresh, false) }
        guard let journal = try? JSONValue(parsing: text) else { return Self.ignored(fresh, "it is not valid JSON (truncated?)") }
        guard journal["bootId"]?.stringValue == bootID, journal["blockSize"]?.uint64Value == fresh.blockSize else { return (fresh, false) }
        guard let extents = (journal["extents"] ?? journal["runs"])?.arrayValue else { return Self.ignored(fresh, "it has no extents") }
        var byIndex: [Int: Plan.Block] = [:]
        for block in fresh.blocks { byIndex[block.index] = block }
        // More journal blocks than the fresh plan and its RAM hold cannot all be valid: checked before the loop.
        let limit = UInt64(fresh.blocks.count) + fresh.ram.totalSize / fresh.blockSize
        var total: UInt64 = 0
        for (position, extent) in extents.enumerated() {
            guard let first = extent["first"]?.int64Value, let count = extent["count"]?.int64Value, first >= 0, count > 0,
                let node = extent["node"]?.int64Value, (0..<Int64(Self.nodeLimit)).contains(node),
                let zone = extent["zone"]?.stringValue.flatMap(Zone.init(rawValue:)),
                let action = extent["action"]?.stringValue.flatMap(Plan.Action.init(rawValue:))
            else { return Self.ignored(fresh, "extent \(position) is malformed") }
            total += UInt64(count)
            guard total <= limit, UInt64(count) <= UInt64(Int64.max - first) else {
                return Self.ignored(fresh, "extent \(position) names more blocks than the plan and its RAM hold")
            }
            for index in Int(first)..<Int(first + count) {
                if var existing = byIndex[index] {
                    existing.zone = zone
                    existing.node = Int(node)
                    byIndex[index] = existing
                    continue
                }
                let (start, overflow) = UInt64(index).multipliedReportingOverflow(by: fresh.blockSize)
                guard !overflow, let range = AddressRange(start: start, size: fresh.blockSize), fresh.ram.contains(range) else {
                    return Self.ignored(fresh, "memory\(index) (extent \(position)) is neither planned nor inside the plan's RAM")
                }
                byIndex[index] = Plan.Block(index: index, start: start, node: Int(node), zone: zone, action: action)
            }
        }
        var plan = fresh
        plan.blocks = byIndex.values.sorted { $0.index < $1.index }
        return (plan, true)
    }

    private static func ignored(_ fresh: Plan, _ reason: String) -> (plan: Plan, resumed: Bool) {
        var plan = fresh
        plan.warnings.append(PlanWarning(.planJournalIgnored, "\(path) is corrupt and was ignored (\(reason)): the fresh plan is used"))
        return (plan, false)
    }

    /// `MemTotal` in bytes when this boot's first run began, as that run recorded it: what the values sized at
    /// boot were sized for, which a run resumed after a crash needs to size them again (the memory it sees at its
    /// start is already more). Nil without a journal of this boot.
    package func memTotalAtStart() -> UInt64? {
        guard let text = try? state.readText(Self.path), let journal = try? JSONValue(parsing: text), journal["bootId"]?.stringValue == bootID else {
            return nil
        }
        return journal["memTotalAtStart"]?.uint64Value
    }

    /// Consecutive blocks with the same node, zone and action, as one entry: a 16 TiB plan is a handful of
    /// entries, not 131,072, and it is written before the first kernel write.
    /// `probeMethod` says how this run probes (a resumed run reads it for nothing but the record).
    package func record(_ plan: Plan, probeMethod: ProbeMethod? = nil, memTotalAtStart: UInt64? = nil) throws(KernelFileError) {
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
        var members: [(String, JSONValue)] = [("bootId", .string(bootID)), ("blockSize", .uint(plan.blockSize))]
        if let probeMethod { members.append(("probeMethod", .string(probeMethod.rawValue))) }
        if let memTotalAtStart { members.append(("memTotalAtStart", .uint(memTotalAtStart))) }
        let value = JSONValue.object(members + [("extents", .array(extents))])
        try state.replace(Self.path, text: value.serialized(indent: nil) + "\n")
    }
}

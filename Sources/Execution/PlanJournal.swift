import KernelFiles
import MemoryModel
import Planning
import TinyJSON

/// The plan of this boot, written to `/run/deferred-memd/plan.json` before the first kernel write.
///
/// A run killed half-way leaves some blocks online; the next run must give every block the zone the first run
/// planned, even where the fresh plan would differ (the split of the remaining offline blocks is not the split
/// of the whole). `/run` is emptied at boot and the journal carries the boot id, so it never outlives its boot.
public struct PlanJournal: Sendable {
    public static let path = "/run/deferred-memd/plan.json"
    public static let bootIDPath = "/proc/sys/kernel/random/boot_id"

    public let files: KernelFiles

    public init(files: KernelFiles) {
        self.files = files
    }

    var bootID: String { (try? files.readValue(Self.bootIDPath)) ?? "" }

    /// The fresh plan with every block the journal knows taking the journal's zone and node; blocks only the
    /// journal knows are added back (an earlier run onlined them, so the fresh plan no longer sees them).
    public func reconcile(_ fresh: Plan) -> (plan: Plan, resumed: Bool) {
        guard let text = try? files.readText(Self.path), let journal = try? JSONValue(parsing: text),
              journal["bootId"]?.stringValue == bootID, journal["blockSize"]?.uint64Value == fresh.blockSize,
              let entries = journal["blocks"]?.arrayValue else { return (fresh, false) }
        var byIndex: [Int: Plan.Block] = [:]
        for block in fresh.blocks { byIndex[block.index] = block }
        for entry in entries {
            guard let index = entry["index"]?.int64Value.map(Int.init), let node = entry["node"]?.int64Value.map(Int.init),
                  let zone = entry["zone"]?.stringValue.flatMap(Zone.init(rawValue:)),
                  let action = entry["action"]?.stringValue.flatMap(Plan.Action.init(rawValue:)) else { continue }
            if var existing = byIndex[index] {
                existing.zone = zone
                existing.node = node
                byIndex[index] = existing
            } else {
                byIndex[index] = Plan.Block(index: index, start: UInt64(index) * fresh.blockSize, node: node, zone: zone, action: action)
            }
        }
        var plan = fresh
        plan.blocks = byIndex.values.sorted { $0.index < $1.index }
        return (plan, true)
    }

    public func record(_ plan: Plan) throws(KernelFileError) {
        let value = JSONValue.object([
            ("bootId", .string(bootID)),
            ("blockSize", .uint(plan.blockSize)),
            ("blocks", .array(plan.blocks.map { .object([("index", .int(Int64($0.index))), ("node", .int(Int64($0.node))), ("zone", .string($0.zone.rawValue)), ("action", .string($0.action.rawValue))]) })),
        ])
        try files.createDirectory("/run/deferred-memd")
        try files.replaceFileAtomically(Self.path, text: value.serialized(indent: nil) + "\n")
    }
}

import MachineSources
import MemoryModel
import Planning
import TinyJSON

/// `deferred-memd status`: the memory blocks as `lsmem -o RANGE,SIZE,STATE,BLOCK,ZONES,NODE` shows them, and
/// how much deferred memory is still missing.
///
/// Rows merge consecutive blocks with the same state, zones and node, as lsmem does. (lsmem 2.38 reads zones
/// only when `memory0/valid_zones` exists; we always do, so on machines whose RAM starts above 0 our rows can
/// be finer than lsmem's.)
package enum StatusReport {
    package struct Row: Equatable, Sendable {
        package var first: Int
        package var last: Int
        package var state: MemoryBlock.State
        package var zones: String
        package var node: Int?
    }

    /// lsmem's spelling of a `valid_zones` line: names joined by `/`, `none` as `None`.
    static func lsmemZones(_ words: [String]) -> String {
        words.map { word in
            switch word.lowercased() {
            case "none": "None"
            case "highmem": "Highmem"
            default: word
            }
        }.joined(separator: "/")
    }

    package static func rows(_ directory: MemoryBlockDirectory) -> [Row] {
        var rows: [Row] = []
        for block in directory.blocks {
            let zones = lsmemZones(block.validZones)
            if var last = rows.last, last.last + 1 == block.index, last.state == block.state, last.zones == zones, last.node == block.numaNode {
                last.last = block.index
                rows[rows.count - 1] = last
            } else {
                rows.append(Row(first: block.index, last: block.index, state: block.state, zones: zones, node: block.numaNode))
            }
        }
        return rows
    }

    static func stateName(_ state: MemoryBlock.State) -> String {
        state == .goingOffline ? "on->off" : state.rawValue
    }

    /// Bytes in online blocks and in all other present blocks.
    static func onlineAndOffline(_ directory: MemoryBlockDirectory) -> (online: UInt64, offline: UInt64) {
        let online = UInt64(directory.blocks.filter { $0.state == .online }.count) * directory.blockSize
        return (online, UInt64(directory.blocks.count) * directory.blockSize - online)
    }

    /// Deferred memory not yet online as planned: planned blocks that are offline or not present.
    package static func missingBytes(_ plan: Plan, directory: MemoryBlockDirectory) -> UInt64 {
        let online = Set(directory.blocks.filter { $0.state == .online }.map(\.index))
        return UInt64(plan.blocks.filter { !online.contains($0.index) }.count) * plan.blockSize
    }

    package static func text(_ directory: MemoryBlockDirectory, plan: Plan?, lastRun: String?, lastRescue: String? = nil, bytes: Bool = false) -> String {
        func size(_ value: UInt64) -> String { bytes ? "\(value)" : ByteCount.lsmemStyle(value) }
        var table = TextTable(headers: ["RANGE", "SIZE", "STATE", "BLOCK", "ZONES", "NODE"], rightAligned: [1, 3, 4, 5])
        for row in rows(directory) {
            let start = UInt64(row.first) * directory.blockSize, end = UInt64(row.last + 1) * directory.blockSize
            table.rows.append([
                "\(Hex.padded16(start))-\(Hex.padded16(end - 1))", size(end - start), stateName(row.state),
                row.first == row.last ? "\(row.first)" : "\(row.first)-\(row.last)", row.zones, row.node.map { "\($0)" } ?? "",
            ])
        }
        var out = table.render() + "\n"
        let (online, offline) = onlineAndOffline(directory)
        out += "Memory block size:       \(size(directory.blockSize))\n"
        out += "Total online memory:     \(size(online))\n"
        out += "Total offline memory:    \(size(offline))\n"
        if let plan {
            let missing = missingBytes(plan, directory: directory)
            out += "Deferred memory missing: \(size(missing)) of \(size(plan.totalBytes))\n"
        }
        if let lastRun { out += "Last run:                \(lastRun)\n" }
        if let lastRescue { out += "Last rescue:             \(lastRescue)\n" }
        return out
    }

    package static func json(_ directory: MemoryBlockDirectory, plan: Plan?, lastRun: String?, lastRescue: String? = nil) -> JSONValue {
        let (online, offline) = onlineAndOffline(directory)
        var members: [(String, JSONValue)] = [
            ("blockSize", .uint(directory.blockSize)),
            (
                "memory",
                .array(
                    rows(directory).map { row in
                        let start = UInt64(row.first) * directory.blockSize
                        return .object([
                            ("start", .uint(start)), ("size", .uint(UInt64(row.last - row.first + 1) * directory.blockSize)),
                            ("state", .string(row.state.rawValue)), ("firstBlock", .int(Int64(row.first))), ("lastBlock", .int(Int64(row.last))),
                            ("zones", .string(row.zones)), ("node", row.node.map { .int(Int64($0)) } ?? .null),
                        ])
                    })
            ),
            ("online", .uint(online)),
            ("offline", .uint(offline)),
        ]
        if let plan {
            members.append(("deferred", .uint(plan.totalBytes)))
            members.append(("deferredMissing", .uint(missingBytes(plan, directory: directory))))
        }
        members.append(("lastRun", lastRun.map { .string($0) } ?? .null))
        members.append(("lastRescue", lastRescue.map { .string($0) } ?? .null))
        return .object(members)
    }
}

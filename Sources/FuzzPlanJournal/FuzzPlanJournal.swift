import Execution
import FuzzSupport
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import TinyJSON

/// `/run/deferred-memd/plan.json`, the plan journal a crashed run leaves: parsed by TinyJSON (whose every
/// document must write back as itself) and reconciled with a fresh plan. Whatever the journal says, the
/// reconciled plan holds only blocks of the fresh plan or blocks wholly inside its RAM, once each, in order.
let tree = FuzzTree(base: "/proc/sys/kernel/random")
let bootID = "0b1c2d3e-fuzz-4f5a-8b6c-7d8e9f0a1b2c"
let blockSize: UInt64 = 128 << 20
/// RAM 4–8 GiB and 16–17 GiB; blocks 32–47 planned (to probe), the rest only a journal could add back.
let fresh = Plan(
    blockSize: blockSize, source: .devicetree, bootEnd: 4 << 30,
    ram: RangeSet([AddressRange(start: 4 << 30, end: 8 << 30), AddressRange(start: 16 << 30, end: 17 << 30)]),
    blocks: (32..<48).map { Plan.Block(index: $0, start: UInt64($0) * blockSize, node: 0, zone: $0 < 40 ? .normal : .movable, action: .probe) },
    skipped: [], split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none), normalFirst: false, warnings: [])

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = FuzzDriver.text(data, size)
    if let value = try? JSONValue(parsing: text), value.isFinite {
        let written = value.serialized(indent: nil)
        guard let again = try? JSONValue(parsing: written), again == value else { fatalError("JSON does not read back: \(written)") }
    }
    let state = RuntimeState.inMemory(over: KernelFiles(root: .init(tree.root)))
    do { try state.replace(PlanJournal.path, text: text) } catch { fatalError("in-memory write: \(error)") }
    let (plan, resumed) = PlanJournal(state: state).reconcile(fresh)
    if !resumed && plan.blocks != fresh.blocks { fatalError("journal ignored, yet the plan changed") }
    let planned = Set(fresh.blocks.map(\.index))
    for (lower, upper) in zip(plan.blocks, plan.blocks.dropFirst()) where lower.index >= upper.index {
        fatalError("blocks out of order or twice: memory\(lower.index), memory\(upper.index)")
    }
    for block in plan.blocks where !planned.contains(block.index) {
        guard block.index >= 0, let range = AddressRange(start: block.start, size: blockSize), block.start == UInt64(block.index) * blockSize,
            fresh.ram.contains(range)
        else { fatalError("memory\(block.index) at \(block.start) is outside the plan's RAM") }
    }
    return 0
}

extension JSONValue {
    /// Infinity (`1e999`) reads in but writes as `null`, as JSON has no infinity: not a round trip to check.
    var isFinite: Bool {
        switch self {
        case .double(let value): value.isFinite
        case .array(let items): items.allSatisfy(\.isFinite)
        case .object(let members): members.allSatisfy { $0.1.isFinite }
        default: true
        }
    }
}

@main
enum FuzzPlanJournal {
    static func main() {
        bootID.utf8.withContiguousStorageIfAvailable { id in
            let record = Array("boot_id".utf8) + [0, 0, UInt8(id.count + 1)] + Array(id) + [0x0a]
            record.withUnsafeBufferPointer { tree.fill($0) }
        }
        FuzzDriver.main("FuzzPlanJournal") { fuzz($0, $1) }
    }
}

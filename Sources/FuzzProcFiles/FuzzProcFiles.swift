import FuzzSupport
import MachineSources
import MemoryModel

/// The `/proc` files the plan reads as text: `/proc/zoneinfo` (zone spans, and the kernel zone they give a
/// block), `/proc/iomem` (System RAM) and `/proc/meminfo` (and the page size the two give). Every input goes
/// through all three parsers.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = FuzzDriver.text(data, size)
    let meminfo = try? Meminfo.parse(text)
    if let spans = try? ZoneSpans.parse(text) {
        // What the planner asks of them, in the page size the two files give: the kernel zone of blocks low, high
        // and at the top of the address space, and ZONE_MOVABLE's free memory.
        let pageSize = BasePageSize.infer(meminfo: meminfo, zoneSpans: spans)
        precondition(BasePageSize.candidates.contains(pageSize), "page size \(pageSize)")
        for start: UInt64 in [0, 1 << 32, 1 << 40, .max - (128 << 20) + 1] {
            for node in Set(spans.spans.map(\.node) + [0]) {
                _ = spans.kernelZone(for: AddressRange(start: start, end: start &+ (128 << 20) &- 1), node: node, pageSize: pageSize)
            }
        }
        _ = spans.movableFreeBytes(pageSize: pageSize)
    }
    if let resources = try? SystemRAMResources.parse(text) {
        _ = resources.ram.totalSize
    }
    return 0
}

@main
enum FuzzProcFiles {
    static func main() { FuzzDriver.main("FuzzProcFiles") { fuzz($0, $1) } }
}

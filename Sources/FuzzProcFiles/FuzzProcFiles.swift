import FuzzSupport
import MachineSources
import MemoryModel

/// The `/proc` files the plan reads as text: `/proc/zoneinfo` (zone spans, and the kernel zone they give a
/// block), `/proc/iomem` (System RAM) and `/proc/meminfo`. Every input goes through all three parsers.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = FuzzDriver.text(data, size)
    if let spans = try? ZoneSpans.parse(text) {
        // What the planner asks of them: the kernel zone of blocks low, high and at the top of the address space.
        for start: UInt64 in [0, 1 << 32, 1 << 40, .max - (128 << 20) + 1] {
            for node in Set(spans.spans.map(\.node) + [0]) {
                _ = spans.kernelZone(for: AddressRange(start: start, end: start &+ (128 << 20) &- 1), node: node, pageSize: 4096)
            }
        }
    }
    if let resources = try? SystemRAMResources.parse(text) {
        _ = resources.ram.totalSize
    }
    _ = try? Meminfo.parse(text)
    return 0
}

@main
enum FuzzProcFiles {
    static func main() { FuzzDriver.main("FuzzProcFiles") { fuzz($0, $1) } }
}

import Execution
import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

@Suite("Fuzz findings: /proc/zoneinfo", .fixtures)
struct ZoneSpansFuzzTests {
    @Test("FuzzProcFiles's finding: a zone whose start_pfn + spanned overflows is a SourceError naming its Node line (was a trap in kernelZone)")
    func spanOverflow() throws {
        let text = try FuzzRegressionTests.finding("zoneinfo-span-overflow")
        let error = #expect(throws: SourceError.self) { try ZoneSpans.parse(text) }
        #expect(error?.path == "/proc/zoneinfo:4")
        #expect(error?.value == "Node 0, zone Normal: start_pfn 262144, spanned 18446744073709551615")
    }

    @Test("a corrupt free or managed count (up to 2^64 pages) does not trap: ZONE_MOVABLE's free bytes and the zones' pages saturate")
    func countsSaturate() throws {
        let spans = try ZoneSpans.parse(
            "Node 0, zone  Movable\n  pages free 18446744073709551615\n        spanned  16\n        managed  18446744073709551615\n  start_pfn:  0\n"
                + "Node 1, zone  Movable\n  pages free 5\n        spanned  16\n        managed  7\n  start_pfn:  0\n")
        #expect(spans.movableFreeBytes(pageSize: 4096) == .max)
        #expect(spans.managedPages == .max)
        #expect(BasePageSize.infer(meminfo: Meminfo(memFree: 0, memTotal: 1 << 30), zoneSpans: spans) == 4096)
        var machine = Machine(memory: MemoryBlockDirectory(blockSize: 128 << 20, blocks: [], autoOnlineBlocks: "offline", hasProbe: true))
        machine.zoneSpans = spans
        machine.meminfo = Meminfo(memFree: 1 << 30, memTotal: 2 << 30)
        _ = try Planner().plan(machine: machine, split: SplitRequest(kernelCore: nil, movableCore: nil, source: .flags))
    }

    @Test("a span ending exactly at the top of the page frame numbers is kept, and kernelZone answers for it")
    func spanAtTheTop() throws {
        let spans = try ZoneSpans.parse("Node 0, zone   Normal\n        spanned  16\n  start_pfn:  18446744073709551599\n")
        #expect(spans.spans.map(\.spannedPages) == [16])
        #expect(spans.kernelZone(for: AddressRange(start: 0, end: 1 << 30), node: 0, pageSize: 4096) == "Normal")
    }
}

import Execution
import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

/// Every input the fuzz targets (Sources/Fuzz*, scripts/fuzz.sh) found crashing or misleading a parser, kept as
/// it was found (Tests/DeferredMemdTests/FuzzFindings) or reduced to the line at fault: bad input is a
/// `SourceError` naming the file, or an ignored journal, never a trap.
@Suite("Fuzz findings", .fixtures)
struct FuzzRegressionTests {
    static let findings = Fixture.repository.appendingPathComponent("Tests/DeferredMemdTests/FuzzFindings")

    static func finding(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: findings.appendingPathComponent(name)), as: UTF8.self)
    }

    @Test("/proc/meminfo: a kB figure too large for bytes, in a field the daemon does not use, is ignored (was an overflow trap)")
    func meminfoUnusedFieldOverflow() throws {
        // FuzzProcFiles: `nr_writeback_temp 018446744073709551615` in zoneinfo-like text; no MemFree line.
        let error = #expect(throws: SourceError.self) { try Meminfo.parse(try Self.finding("meminfo-kib-overflow")) }
        #expect(error?.expected == "a MemFree: line in kB")
        let meminfo = try Meminfo.parse("MemTotal: 8000 kB\nMemFree: 4 kB\nBogus: 18446744073709551615 kB\n")
        #expect(meminfo.memFree == 4096)
    }

    @Test(
        "/proc/meminfo: a used kB figure too large for bytes is a SourceError naming the line",
        arguments: ["MemFree: 18446744073709551615 kB\n", "MemFree: 1 kB\nHugepagesize: 18014398509481984 kB\n"])
    func meminfoUsedFieldOverflow(text: String) {
        let error = #expect(throws: SourceError.self) { try Meminfo.parse(text) }
        #expect(error?.path == "/proc/meminfo")
        #expect(error?.expected.contains("less than 16 EiB") == true)
    }
}

/// A corrupt plan journal is ignored as a whole, with a warning; it never puts a block outside the fresh plan's
/// RAM, a negative index, or one block per index of a bogus count into the plan.
@Suite("Fuzz findings: the plan journal", .fixtures)
struct PlanJournalFuzzTests {
    static let bootID = "0b1c2d3e-fuzz-4f5a-8b6c-7d8e9f0a1b2c"
    static let blockSize: UInt64 = 128 << 20
    /// FuzzPlanJournal's fresh plan: RAM 4–8 GiB and 16–17 GiB, blocks 32–47 planned.
    static let fresh = Plan(
        blockSize: blockSize, source: .devicetree, bootEnd: 4 << 30,
        ram: RangeSet([AddressRange(start: 4 << 30, end: 8 << 30), AddressRange(start: 16 << 30, end: 17 << 30)]),
        blocks: (32..<48).map { Plan.Block(index: $0, start: UInt64($0) * blockSize, node: 0, zone: $0 < 40 ? .normal : .movable, action: .probe) },
        skipped: [], split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none), normalFirst: false, warnings: [])

    static func reconcile(_ journal: String) throws -> (plan: Plan, resumed: Bool) {
        let root = try Fixture.temporaryDirectory()
        try Fixture.write(bootID + "\n", to: PlanJournal.bootIDPath, in: root)
        try Fixture.write(journal, to: PlanJournal.path, in: root)
        return PlanJournal(state: .onDisk(KernelFiles(root: .init(root.path)))).reconcile(fresh)
    }

    static func journal(_ extents: String) -> String {
        #"{"bootId":"\#(bootID)","blockSize":134217728,"extents":[\#(extents)]}"#
    }

    @Test("FuzzPlanJournal's finding: a malformed extent was skipped and the next one put memory256 outside the RAM into the plan")
    func blockOutsideRAM() throws {
        let (plan, resumed) = try Self.reconcile(try FuzzRegressionTests.finding("plan-journal-block-outside-ram"))
        #expect(!resumed)
        #expect(plan.blocks == Self.fresh.blocks)
        #expect(plan.warnings.map(\.code) == [.planJournalIgnored])
    }

    @Test(
        "a bogus extent makes the whole journal ignored (negative, overflowing, too many, outside RAM, bad node), never a trap or a hang",
        arguments: [
            #"{"first":-1,"count":1,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":9223372036854775807,"count":2,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":144115188075855872,"count":1,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":32,"count":1000000000000,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":64,"count":1,"node":0,"zone":"Movable","action":"probe"}"#,
            #"{"first":32,"count":1,"node":-1,"zone":"Normal","action":"probe"}"#,
            #"{"first":32,"count":1,"node":4096,"zone":"Normal","action":"probe"}"#,
            #"{"first":32,"count":1,"node":0,"zone":"Normal","action":"probe"},{"first":40}"#,
        ])
    func bogusExtent(extent: String) throws {
        let (plan, resumed) = try Self.reconcile(Self.journal(extent))
        #expect(!resumed)
        #expect(plan.blocks == Self.fresh.blocks)
        #expect(plan.warnings.map(\.code) == [.planJournalIgnored])
    }

    @Test("a truncated journal is ignored with a warning; another boot's is ignored silently; a sound one resumes")
    func truncatedStaleAndSound() throws {
        let sound = Self.journal(
            #"{"first":32,"count":16,"node":0,"zone":"Movable","action":"probe"},{"first":128,"count":8,"node":1,"zone":"Movable","action":"online"}"#)
        let truncated = try Self.reconcile(String(sound.prefix(80)))
        #expect(!truncated.resumed && truncated.plan.warnings.map(\.code) == [.planJournalIgnored])
        let stale = try Self.reconcile(sound.replacingOccurrences(of: Self.bootID, with: "another-boot"))
        #expect(!stale.resumed && stale.plan.warnings.isEmpty)
        let resumed = try Self.reconcile(sound)
        #expect(resumed.resumed && resumed.plan.warnings.isEmpty)
        #expect(resumed.plan.blocks.map(\.index) == Array(32..<48) + Array(128..<136))
        #expect(resumed.plan.blocks.allSatisfy { $0.zone == .movable })
    }
}

/// Found while writing FuzzFlattenedDevicetree (by reading, not by the fuzzer: no crash, a misread): a node name
/// that is not UTF-8 decodes longer than its bytes, and the parser stepped over the next token by that length.
@Suite("Fuzz findings: the devicetree blob", .fixtures)
struct FlattenedDevicetreeFuzzTests {
    static func be32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    /// A blob with one memory node named `name` (raw bytes): `reg = <0x80000000 0x40000000>`, one cell each.
    static func blob(memoryNodeName name: [UInt8]) -> [UInt8] {
        let strings = Array("device_type\0reg\0".utf8)
        func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + Array(repeating: 0, count: (4 - bytes.count % 4) % 4) }
        var structure = be32(1) + [0, 0, 0, 0]  // BEGIN_NODE ""
        structure += be32(1) + padded(name + [0])
        structure += be32(3) + be32(7) + be32(0) + padded(Array("memory\0".utf8))  // device_type
        structure += be32(3) + be32(8) + be32(12) + be32(0x8000_0000) + be32(0x4000_0000)  // reg
        structure += be32(2) + be32(2) + be32(9)  // END_NODE, END_NODE, END
        let reserveOffset = 40, structOffset = 56
        let stringsOffset = structOffset + structure.count
        let total = stringsOffset + strings.count
        var header = be32(FlattenedDevicetree.magic) + be32(UInt32(total)) + be32(UInt32(structOffset)) + be32(UInt32(stringsOffset))
        header += be32(UInt32(reserveOffset)) + be32(17) + be32(16) + be32(0) + be32(UInt32(strings.count)) + be32(UInt32(structure.count))
        return header + Array(repeating: 0, count: 16) + structure + strings
    }

    @Test("a node name that is not UTF-8 is stepped over by its bytes", arguments: [Array("memory@80000000".utf8), [0xFF, 0xFE], [0x6D, 0xC3]])
    func nonUTF8NodeName(name: [UInt8]) throws {
        let blob = try FlattenedDevicetree(bytes: Self.blob(memoryNodeName: name), path: "/sys/firmware/fdt")
        let memory = try #require(try DevicetreeMemory.extract(root: blob.root, reservations: blob.reservations, source: "/sys/firmware/fdt"))
        #expect(memory.banks.map(\.range) == [AddressRange(start: 0x8000_0000, end: 0xC000_0000)])
    }
}

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

@Suite("Fuzz findings: the memory block directory", .fixtures)
struct MemoryBlockDirectoryFuzzTests {
    /// A FuzzTree record list (`path NUL u16-length content`) written under `/sys` in `root`.
    static func writeRecords(_ data: [UInt8], in root: URL) throws {
        var cursor = 0
        while cursor < data.count {
            let pathEnd = data[cursor...].firstIndex(of: 0) ?? data.count
            let path = String(decoding: data[cursor..<pathEnd], as: UTF8.self)
            let length = Int(data[pathEnd + 1]) << 8 | Int(data[pathEnd + 2])
            let content = String(decoding: data[(pathEnd + 3)..<(pathEnd + 3 + length)], as: UTF8.self)
            try Fixture.write(content, to: "/sys/" + path, in: root)
            cursor = pathEnd + 3 + length
        }
    }

    @Test(
        "a block index whose address range leaves the 64-bit address space is a SourceError naming it (was a trap in MemoryBlock.range)",
        arguments: ["memory-block-index-overflow"])
    func indexOverflow(finding: String) throws {
        let root = try Fixture.temporaryDirectory()
        try Self.writeRecords(Array(try Data(contentsOf: FuzzRegressionTests.findings.appendingPathComponent(finding))), in: root)
        let error = #expect(throws: SourceError.self) { try MemoryBlockDirectory.read(from: KernelFiles(root: .init(root.path))) }
        #expect(error?.path == "/sys/devices/system/memory/memory70368744177664")
        #expect(error?.expected.contains("64-bit address space") == true)
    }

    @Test("names that are not memory + decimal digits are not blocks (memory+5 was read as memory5)", arguments: ["memory+5", "memory-0", "memory٣"])
    func signedNames(name: String) throws {
        let root = try Fixture.temporaryDirectory()
        try Fixture.write("8000000\n", to: "/sys/devices/system/memory/block_size_bytes", in: root)
        try Fixture.write("online\n", to: "/sys/devices/system/memory/\(name)/state", in: root)
        try Fixture.write("offline\n", to: "/sys/devices/system/memory/memory5/state", in: root)
        let memory = try MemoryBlockDirectory.read(from: KernelFiles(root: .init(root.path)))
        #expect(memory.blocks.map(\.index) == [5])
        #expect(memory.blocks.map(\.state) == [.offline])
    }
}

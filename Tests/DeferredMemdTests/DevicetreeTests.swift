import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Testing

@Suite("Devicetree memory nodes, both forms", .fixtures)
struct DevicetreeTests {
    static func exampleBlob() throws -> [UInt8] {
        Array(try Data(contentsOf: Fixture.examples.appendingPathComponent("arm64-board-blob/sys/firmware/fdt")))
    }

    static func be32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    static func patched(_ blob: [UInt8], at offset: Int, _ value: UInt32) -> [UInt8] {
        var copy = blob
        copy.replaceSubrange(offset..<offset + 4, with: be32(value))
        return copy
    }

    @Test("the example blob parses: banks, NUMA ids, carve-outs and /memreserve/")
    func exampleBlobParses() throws {
        let blob = try FlattenedDevicetree(bytes: try Self.exampleBlob(), path: "/sys/firmware/fdt")
        let memory = try #require(try DevicetreeMemory.extract(root: blob.root, reservations: blob.reservations, source: "/sys/firmware/fdt"))
        #expect(
            memory.banks.map(\.range) == [
                AddressRange(start: 0x8000_0000, end: 0x1_0000_0000),
                AddressRange(start: 0x8_8000_0000, end: 0xA_0000_0000),
                AddressRange(start: 0x10_0000_0000, end: 0x10_7C00_0000),
            ])
        #expect(memory.banks.map(\.numaNode) == [0, 0, 1])
        // In the blob's order: the header's /memreserve/ entries first, then the /reserved-memory children as the
        // structure block lists them (ramoops, modem, adsp; `fdtdump` shows the same). Nothing sorts them.
        #expect(
            memory.reserved.map(\.name) == [
                "/memreserve/", "/reserved-memory/ramoops@8a000000", "/reserved-memory/modem@8d0000000", "/reserved-memory/adsp@8e4400000",
            ])
        #expect(
            memory.reserved.map(\.range) == [
                AddressRange(start: 0xFE00_0000, end: 0xFE01_0000),
                AddressRange(start: 0x8A00_0000, end: 0x8A20_0000),
                AddressRange(start: 0x8_D000_0000, end: 0x8_D800_0000),
                AddressRange(start: 0x8_E440_0000, end: 0x8_E5C0_0000),
            ])
        #expect(memory.reserved.contains { $0.name == "/memreserve/" && $0.range == AddressRange(start: 0xFE00_0000, size: 0x10000) })
        #expect(!memory.reserved.contains { $0.name.contains("linux,cma") }, "size-only regions are allocated at boot, not static")
    }

    @Test("the directory form and the blob give the same plan")
    func directoryEqualsBlob() throws {
        let fromDirectory = try Fixture.plan(Fixture.examples.appendingPathComponent("arm64-board"))
        let fromBlob = try Fixture.plan(Fixture.examples.appendingPathComponent("arm64-board-blob"))
        #expect(fromDirectory.blocks == fromBlob.blocks)
        #expect(fromDirectory.skipped.filter { $0.reason != .partialBlock } == fromBlob.skipped.filter { $0.reason != .partialBlock })
    }

    @Test(
        "a /memreserve/ entry in deferred memory is kept out of the plan when the tree is read from the directory too (only the blob's header has it)"
    )
    func directoryTakesTheBlobsReservations() throws {
        let root = try Fixture.copyOfExample("arm64-board")
        // The example's one entry (0xfe000000, 64 KiB, boot memory) moved into block 300 (0x960000000), deferred.
        let blob = try Self.exampleBlob()
        let entry = Int(UInt32(bigEndian: blob[16..<20].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        let moved = Self.patched(Self.patched(blob, at: entry, 0x9), at: entry + 4, 0x6010_0000)
        try Data(moved).write(to: root.appendingPathComponent("sys/firmware/fdt"))
        let plan = try Fixture.plan(root)
        #expect(!plan.blocks.contains { $0.index == 300 })
        #expect(plan.blocks.contains { $0.index == 299 } && plan.blocks.contains { $0.index == 301 })
        #expect(plan.skipped.contains { $0.reason == .reserved("/memreserve/") && $0.range.start == 0x9_6000_0000 }, "\(plan.skipped)")
        #expect(plan.source == .devicetree)
        // A blob the daemon cannot read: the directory still gives the plan, and the warning says what is unknown.
        try Data([0xd0, 0x0d]).write(to: root.appendingPathComponent("sys/firmware/fdt"))
        let unknown = try Fixture.plan(root)
        #expect(unknown.blocks.contains { $0.index == 300 })
        #expect(unknown.warnings.contains { $0.code == .devicetree && $0.message.contains("/memreserve/ entries are unknown") }, "\(unknown.warnings)")
    }

    @Test("the blob's /memreserve/ entries are found past its first page too (the daemon reads a page of QEMU's 1 MiB blob first)")
    func reservationsPastTheFirstPage() throws {
        let root = try Fixture.copyOfExample("arm64-board")
        // The reservation block moved to the blob's end, in its third page, holding one entry in deferred block 300, and
        // the file padded to 1 MiB as QEMU's is.
        var blob = try Self.exampleBlob()
        let end = 8192
        blob += [UInt8](repeating: 0, count: end - blob.count)
        blob += Self.cells(0x9, 0x6010_0000, 0, 0x10000, 0, 0, 0, 0)
        blob = Self.patched(Self.patched(blob, at: 16, UInt32(end)), at: 4, UInt32(blob.count))
        blob += [UInt8](repeating: 0, count: (1 << 20) - blob.count)
        try Data(blob).write(to: root.appendingPathComponent("sys/firmware/fdt"))
        let plan = try Fixture.plan(root)
        #expect(plan.skipped.contains { $0.reason == .reserved("/memreserve/") && $0.range.start == 0x9_6000_0000 }, "\(plan.skipped)")
        #expect(!plan.blocks.contains { $0.index == 300 })
        #expect(!plan.warnings.contains { $0.message.contains("/memreserve/ entries are unknown") }, "\(plan.warnings)")
    }

    @Test("the tree is read at /sys/firmware/devicetree/base when it is there, not through the /proc/device-tree link")
    func sysfsDirectoryFirst() throws {
        let root = try Fixture.copyOfExample("arm64-board")
        let sysfs = root.appendingPathComponent("sys/firmware/devicetree/base")
        try FileManager.default.createDirectory(at: sysfs.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("proc/device-tree"), to: sysfs)
        // A /proc/device-tree that says something else shows which one was read.
        let procMemory = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("proc/device-tree").path)
            .filter { $0.hasPrefix("memory@") }
        for node in procMemory { try FileManager.default.removeItem(at: root.appendingPathComponent("proc/device-tree/\(node)")) }
        let memory = try #require(try DevicetreeMemory.read(from: KernelFiles(root: .init(root.path))))
        #expect(memory.source == "/sys/firmware/devicetree/base")
        #expect(memory.banks.count == 3)
    }

    /// Writes `properties` (name → bytes) of each node path under `root`, as sysfs shows the unflattened tree.
    static func writeDirectoryTree(_ nodes: [String: [String: [UInt8]]], at root: URL) throws {
        for (node, properties) in nodes {
            let directory = root.appendingPathComponent(String(node.dropFirst()))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, bytes) in properties { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        }
    }

    @Test(
        "of the directory form only the properties the layout uses are read (a file each in sysfs), and they give what the whole tree gives",
        arguments: ["every property the layout reads", "arm64-board", "arm64-qemu-virt", "arm64-qemu-vendor", "phone-12g"])
    func directorySelectionExtractsAsTheWholeTree(machine: String) throws {
        let base = try Fixture.temporaryDirectory()
        var files = KernelFiles(root: .init(base.path))
        if machine == "every property the layout reads" {
            let root = base.appendingPathComponent("proc/device-tree")
            let string = { (text: String) in Array(text.utf8) + [0] }
            try Self.writeDirectoryTree(
                [
                    "/": ["#address-cells": Self.cells(2), "#size-cells": Self.cells(2), "compatible": string("linux,dummy-virt")],
                    "/memory@80000000": [
                        "device_type": string("memory"), "reg": Self.cells(0, 0x8000_0000, 1, 0), "numa-node-id": Self.cells(1),
                        "linux,usable-memory": Self.cells(0, 0x8000_0000, 0, 0x4000_0000),
                    ],
                    "/memory@200000000": ["device_type": string("memory"), "reg": Self.cells(2, 0, 1, 0), "status": string("disabled")],
                    "/reserved-memory": ["#address-cells": Self.cells(2), "#size-cells": Self.cells(1), "ranges": []],
                    "/reserved-memory/modem@90000000": ["reg": Self.cells(0, 0x9000_0000, 0x0100_0000), "no-map": []],
                    "/reserved-memory/off@98000000": ["reg": Self.cells(0, 0x9800_0000, 0x0100_0000), "status": string("disabled")],
                    "/chosen": [
                        "linux,elfcorehdr": Self.cells(0, 0xA000_0000, 0, 0x1000), "linux,usable-memory-range": Self.cells(0, 0x8000_0000, 0, 0x2000_0000),
                    ],
                    "/soc/uart@9000000": ["compatible": string("arm,pl011"), "reg": Self.cells(0, 0x0900_0000, 0, 0x1000)],
                ], at: root)
        } else {
            files = KernelFiles(root: .init(Fixture.examples.appendingPathComponent(machine).path))
        }
        let selected = try DevicetreeDirectory.read(from: files, at: "/proc/device-tree", selection: DevicetreeMemory.directorySelection)
        let whole = try DevicetreeDirectory.read(from: files, at: "/proc/device-tree", selection: .all)
        let fromSelected = try DevicetreeMemory.extract(root: selected, reservations: [], source: "dt")
        #expect(fromSelected == (try DevicetreeMemory.extract(root: whole, reservations: [], source: "dt")))
        #expect(fromSelected != nil)
        if machine == "every property the layout reads" {
            let memory = try #require(fromSelected)
            #expect(memory.banks.map(\.numaNode) == [1] && memory.crashDumpHeader && memory.usableMemoryRange != nil)
            #expect(memory.reserved.map(\.name) == ["/reserved-memory/modem@90000000"])
        }
        // Nothing else was read: no `compatible`, and no node below a root child but /reserved-memory's.
        func names(_ node: DevicetreeNode) -> [String] { Array(node.properties.keys) + node.children.flatMap(names) }
        #expect(!names(selected).contains("compatible") && !names(selected).contains("no-map"))
        #expect(selected.children.allSatisfy { $0.name == "reserved-memory" || $0.children.isEmpty })
    }

    /// Each corruption of a good blob, and a word its error must contain.
    static let corruptions: [(String, @Sendable ([UInt8]) -> [UInt8], String)] = [
        ("truncated header", { Array($0.prefix(20)) }, "truncated header"),
        ("bad magic", { patched($0, at: 0, 0xDEAD_BEEF) }, "magic"),
        ("totalsize past the end", { Array($0.prefix($0.count - 8)) }, "truncated blob"),
        ("version 15", { patched($0, at: 20, 15) }, "version"),
        ("structure offset past the end", { patched($0, at: 8, 0x00FF_FF00) }, "off_dt_struct"),
        ("structure size past the end", { patched($0, at: 36, 0x00FF_FF00) }, "size_dt_struct"),
        ("strings offset past the end", { patched($0, at: 12, 0x00FF_FF00) }, "off_dt_strings"),
        ("reservation block unaligned", { patched($0, at: 16, 41) }, "off_mem_rsvmap"),
        (
            "unknown token",
            { blob in
                let structOffset = Int(blob[8]) << 24 | Int(blob[9]) << 16 | Int(blob[10]) << 8 | Int(blob[11])
                return patched(blob, at: structOffset, 7)
            }, "token"
        ),
        ("strings size zero (names point nowhere)", { patched($0, at: 32, 0) }, "strings block"),
    ]

    @Test("a truncated or corrupt blob is an error naming the file and the field", arguments: 0..<corruptions.count)
    func corruptBlob(case index: Int) throws {
        let (name, corrupt, word) = Self.corruptions[index]
        let bytes = corrupt(try Self.exampleBlob())
        let error = #expect(throws: SourceError.self, "\(name)") { try FlattenedDevicetree(bytes: bytes, path: "/sys/firmware/fdt") }
        #expect(error?.path == "/sys/firmware/fdt")
        #expect(error.map { $0.description.contains(word) } == true, "\(name): \(String(describing: error))")
    }

    // MARK: - Memory node rules, on synthetic trees

    static func cells(_ values: UInt32...) -> [UInt8] { values.flatMap(be32) }

    static func tree(addressCells: UInt32? = 2, sizeCells: UInt32? = 2, memory: [DevicetreeNode]) -> DevicetreeNode {
        var props: [String: [UInt8]] = [:]
        if let addressCells { props["#address-cells"] = cells(addressCells) }
        if let sizeCells { props["#size-cells"] = cells(sizeCells) }
        return DevicetreeNode(name: "", properties: props, children: memory)
    }

    static func memoryNode(_ props: [String: [UInt8]], name: String = "memory@80000000") -> DevicetreeNode {
        var all = props
        all["device_type"] = Array("memory\0".utf8)
        return DevicetreeNode(name: name, properties: all)
    }

    @Test("cells default to 1/1 when the root does not say (Linux's default)")
    func defaultCells() throws {
        let root = Self.tree(addressCells: nil, sizeCells: nil, memory: [Self.memoryNode(["reg": Self.cells(0x8000_0000, 0x4000_0000)])])
        let memory = try #require(try DevicetreeMemory.extract(root: root, reservations: [], source: "dt"))
        #expect(memory.banks.map(\.range) == [AddressRange(start: 0x8000_0000, end: 0xC000_0000)])
    }

    @Test("linux,usable-memory wins over reg; disabled nodes and other device types are ignored")
    func usableMemoryWins() throws {
        let root = Self.tree(memory: [
            Self.memoryNode(["reg": Self.cells(0, 0x8000_0000, 1, 0), "linux,usable-memory": Self.cells(0, 0x8000_0000, 0, 0x4000_0000)]),
            Self.memoryNode(["reg": Self.cells(1, 0, 1, 0), "status": Array("disabled\0".utf8)], name: "memory@100000000"),
            DevicetreeNode(name: "cpus", properties: ["device_type": Array("cpu\0".utf8), "reg": Self.cells(0, 0, 0, 1)]),
        ])
        let memory = try #require(try DevicetreeMemory.extract(root: root, reservations: [], source: "dt"))
        #expect(memory.banks.map(\.range) == [AddressRange(start: 0x8000_0000, end: 0xC000_0000)])
    }

    @Test("an empty linux,usable-memory still wins over reg: that node gives no memory (drivers/of/fdt.c checks for NULL, not length)")
    func emptyUsableMemory() throws {
        let root = Self.tree(memory: [
            Self.memoryNode(["reg": Self.cells(0, 0x8000_0000, 0, 0x4000_0000)]),
            Self.memoryNode(["reg": Self.cells(1, 0, 1, 0), "linux,usable-memory": []], name: "memory@100000000"),
        ])
        let memory = try #require(try DevicetreeMemory.extract(root: root, reservations: [], source: "dt"))
        #expect(memory.banks.map(\.range) == [AddressRange(start: 0x8000_0000, end: 0xC000_0000)])
    }

    @Test("several banks in one reg, 1-cell forms, banks above 4 GiB")
    func severalBanks() throws {
        let twoCell = Self.tree(memory: [Self.memoryNode(["reg": Self.cells(0, 0x8000_0000, 0, 0x8000_0000, 8, 0x8000_0000, 1, 0x8000_0000)])])
        let a = try #require(try DevicetreeMemory.extract(root: twoCell, reservations: [], source: "dt"))
        #expect(a.ram.totalSize == 8 << 30)
        let oneCell = Self.tree(
            addressCells: 1, sizeCells: 1, memory: [Self.memoryNode(["reg": Self.cells(0x4000_0000, 0x2000_0000, 0x8000_0000, 0x1000_0000)])])
        let b = try #require(try DevicetreeMemory.extract(root: oneCell, reservations: [], source: "dt"))
        #expect(b.banks.count == 2)
    }

    @Test("a zero-size entry beside real ones is skipped with a warning; only zero sizes is an error")
    func zeroSizes() throws {
        let mixed = Self.tree(memory: [Self.memoryNode(["reg": Self.cells(0, 0x8000_0000, 0, 0, 0, 0x8000_0000, 0, 0x4000_0000)])])
        let memory = try #require(try DevicetreeMemory.extract(root: mixed, reservations: [], source: "dt"))
        #expect(memory.banks.count == 1)
        #expect(memory.warnings.contains { $0.contains("size 0") })
        let empty = Self.tree(memory: [Self.memoryNode(["reg": Self.cells(0, 0x8000_0000, 0, 0)])])
        #expect(throws: SourceError.self) { try DevicetreeMemory.extract(root: empty, reservations: [], source: "dt") }
    }

    @Test("overlapping banks are merged with a warning, as memblock does")
    func overlaps() throws {
        let root = Self.tree(memory: [
            Self.memoryNode(["reg": Self.cells(0, 0x8000_0000, 0, 0x8000_0000)]),
            Self.memoryNode(["reg": Self.cells(0, 0xC000_0000, 0, 0x8000_0000)], name: "memory@c0000000"),
        ])
        let memory = try #require(try DevicetreeMemory.extract(root: root, reservations: [], source: "dt"))
        #expect(memory.ram.ranges == [AddressRange(start: 0x8000_0000, end: 0x1_4000_0000)])
        #expect(memory.warnings.contains { $0.contains("overlaps") })
    }

    @Test(
        "malformed memory nodes are errors naming the property",
        arguments: [
            ("reg not a multiple of the cells", tree(memory: [memoryNode(["reg": cells(0, 0x8000_0000, 0)])]), "/memory@80000000/reg"),
            ("#address-cells 0", tree(addressCells: 0, memory: [memoryNode(["reg": cells(0, 1)])]), "#address-cells"),
            ("#size-cells 3", tree(sizeCells: 3, memory: [memoryNode(["reg": cells(0, 1, 2, 3, 4)])]), "#size-cells"),
            ("#address-cells wider than a cell", DevicetreeNode(name: "", properties: ["#address-cells": [0, 2]], children: []), "#address-cells"),
            (
                "numa-node-id of 8 bytes", tree(memory: [memoryNode(["reg": cells(0, 0x8000_0000, 0, 0x1000_0000), "numa-node-id": cells(0, 1)])]),
                "numa-node-id"
            ),
            ("range past 2^64", tree(memory: [memoryNode(["reg": cells(0xFFFF_FFFF, 0xF000_0000, 1, 0)])]), "64-bit"),
        ] as [(String, DevicetreeNode, String)])
    func malformed(name: String, root: DevicetreeNode, word: String) {
        let error = #expect(throws: SourceError.self, "\(name)") { try DevicetreeMemory.extract(root: root, reservations: [], source: "/proc/device-tree") }
        #expect(error.map { $0.description.contains(word) } == true, "\(name): \(String(describing: error))")
    }

    @Test("a tree without memory nodes (UEFI machines) is not a RAM map")
    func noMemoryNodes() throws {
        #expect(try DevicetreeMemory.extract(root: Self.tree(memory: []), reservations: [], source: "dt") == nil)
    }
}

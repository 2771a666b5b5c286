import Foundation
import KernelFiles
import MachineSources
import Planning
import Reporting
import Settings
import Testing

/// Golden outputs of `plan` and `status` for every bundled machine. After an intended change, regenerate with
/// `UPDATE_GOLDEN=1 swift test --filter ExampleMachineTests` and review the diff.
@Suite("Example machines: golden plan and status", .fixtures)
struct ExampleMachineTests {
    static let golden = Fixture.repository.appendingPathComponent("Tests/DeferredMemdTests/Golden")

    func check(_ actual: String, against name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from its golden file")
    }

    @Test("plan (text and JSON) matches the golden output", arguments: Fixture.exampleNames)
    func planGolden(machine: String) throws {
        let plan = try Fixture.plan(Fixture.examples.appendingPathComponent(machine))
        try check(PlanReport.text(plan), against: "\(machine).plan.txt")
        try check(PlanReport.json(plan).serialized() + "\n", against: "\(machine).plan.json")
    }

    @Test("status matches the golden output", arguments: Fixture.exampleNames)
    func statusGolden(machine: String) throws {
        let root = Fixture.examples.appendingPathComponent(machine)
        let files = KernelFiles(root: .init(root.path))
        let plan = try Fixture.plan(root)
        try check(StatusReport.text(try MemoryBlockDirectory.read(from: files), plan: plan, lastRun: nil), against: "\(machine).status.txt")
    }

    @Test("the write-up's phone: 10 GiB deferred, 5 GiB Normal then 5 GiB Movable, all by probe")
    func phone() throws {
        let plan = try Fixture.plan(Fixture.examples.appendingPathComponent("phone-12g"))
        #expect(plan.source == .deferredMemInit)
        #expect(plan.bootEnd == 2 << 30)
        #expect(plan.bytes(in: .normal) == 5 << 30)
        #expect(plan.bytes(in: .movable) == 5 << 30)
        #expect(plan.blocks.allSatisfy { $0.action == .probe })
        #expect(plan.blocks.filter { $0.zone == .normal }.map(\.index) == Array(16..<56))
    }

    @Test(
        "arm64 with the initrd above mem=, captured on 4 KiB and on 16 KiB page kernels: the same plan, the Normal blocks below 4 GiB named DMA",
        arguments: ["arm64-qemu-initrd-high", "arm64-qemu-initrd-high-16k"])
    func initrdHigh(machine: String) throws {
        let root = Fixture.examples.appendingPathComponent(machine)
        let plan = try Fixture.plan(root)
        let normal = plan.blocks.filter { $0.zone == .normal }
        #expect(normal.map(\.index) == Array(16..<28))
        #expect(normal.allSatisfy { $0.kernelZone == "DMA" })
        #expect(plan.blocks.filter { $0.zone == .movable }.map(\.index) == Array(28..<32) + Array(33..<40))
        // The 16 KiB capture has no Hugepagesize line (no hugetlbfs): the page size comes from zoneinfo against meminfo.
        let machineRead = try Machine.read(from: KernelFiles(root: .init(root.path)))
        #expect(machineRead.pageSize == (machine.hasSuffix("-16k") ? 16384 : 4096))
        #expect(machineRead.meminfo?.hugePageSize == nil)
    }

    @Test("the x86 VM with mem=1G: nothing probed in the PCI hole or reserved ranges")
    func x86Holes() throws {
        let plan = try Fixture.plan(Fixture.examples.appendingPathComponent("x86-vm-mem-limit"))
        let ram = plan.ram
        for block in plan.blocks {
            #expect(ram.contains(.init(start: block.start, end: block.start + plan.blockSize)), "block \(block.index) is not all RAM")
        }
        #expect(plan.blocks.map(\.index) == Array(8...22) + Array(32...39))
    }
}

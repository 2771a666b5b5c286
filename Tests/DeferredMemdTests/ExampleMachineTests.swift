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

@Suite("Where the split comes from: flags > configuration > deferred_mem.* > deferred_mem_init > kernelcore=", .fixtures)
struct PrecedenceTests {
    static func machineRoot() throws -> URL { try Fixture.copyOfExample("phone-12g") }

    @Test("with nothing set anywhere, everything goes to Normal")
    func nothingSet() throws {
        let root = try Self.machineRoot()
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/kernel/deferred_mem_init/deferred_kernelcore"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/kernel/deferred_mem_init/deferred_movablecore"))
        let plan = try Fixture.plan(root)
        #expect(plan.split.source == .none)
        #expect(plan.bytes(in: .movable) == 0)
    }

    @Test("each source overrides the ones below it, as a whole")
    func order() throws {
        let root = try Self.machineRoot()
        // deferred_mem_init says 5G/5G.
        #expect(try Fixture.plan(root).split.source == .deferredMemInit)
        // kernelcore= on the command line is below deferred_mem_init.
        try Fixture.write("console=ttyMSM0 mem=2G kernelcore=10%\n", to: "/proc/cmdline", in: root)
        #expect(try Fixture.plan(root).split.source == .deferredMemInit)
        // deferred_mem.* on the command line is above it.
        try Fixture.write("console=ttyMSM0 mem=2G kernelcore=10% deferred_mem.movablecore=25%\n", to: "/proc/cmdline", in: root)
        let cmdline = try Fixture.plan(root)
        #expect(cmdline.split.source == .deferredMemCommandLine)
        #expect(cmdline.bytes(in: .movable) == 20 * (128 << 20))
        // The configuration is above the command line; drop-ins override the main file in name order.
        try Fixture.write("[Plan]\nKernelCore=75%\n", to: "/etc/deferred-memd.conf", in: root)
        try Fixture.write("[Plan]\nKernelCore=60%\n", to: "/etc/deferred-memd.conf.d/10-site.conf", in: root)
        try Fixture.write("[Plan]\nKernelCore=50%\n", to: "/etc/deferred-memd.conf.d/20-device.conf", in: root)
        let configured = try Fixture.plan(root)
        #expect(
            configured.split
                == SplitRequest(
                    kernelCore: .percent(50), movableCore: nil,
                    source: .configuration(["/etc/deferred-memd.conf", "/etc/deferred-memd.conf.d/10-site.conf", "/etc/deferred-memd.conf.d/20-device.conf"])))
        // An empty value resets a key, so a later drop-in can hand the decision back.
        try Fixture.write("[Plan]\nKernelCore=\n", to: "/etc/deferred-memd.conf.d/30-reset.conf", in: root)
        #expect(try Fixture.plan(root).split.source == .deferredMemCommandLine)
        // Flags beat everything.
        let flagged = try Fixture.plan(root, flags: (nil, .bytes(1 << 30)))
        #expect(flagged.split.source == .flags)
        #expect(flagged.bytes(in: .movable) == 1 << 30)
    }

    @Test(
        "configuration errors name the file and line; unknown keys are warnings",
        arguments: [
            ("[Plan]\nKernelCore=150%\n", "deferred-memd.conf:2"),
            ("[Plan]\nMovableCore=lots\n", "deferred-memd.conf:2"),
            ("[Run]\nWorkers=many\n", "deferred-memd.conf:2"),
            ("[Plan\n", "deferred-memd.conf:1"),
            ("KernelCore 50%\n", "deferred-memd.conf:1"),
            ("[Workers]\nNormalCPUs=3-1\n", "deferred-memd.conf:2"),
        ])
    func configurationErrors(text: String, location: String) throws {
        var configuration = Configuration()
        let error = #expect(throws: SourceError.self) { try configuration.apply(text: text, path: "/etc/deferred-memd.conf") }
        #expect(error?.path.hasSuffix(location) == true, "\(String(describing: error))")
    }

    @Test("unknown sections and keys are warnings, so a newer file never stops an older daemon")
    func unknownKeys() throws {
        var configuration = Configuration()
        try configuration.apply(text: "[Plan]\nFutureKnob=1\n[Future]\nX=y\n", path: "c")
        #expect(configuration.warnings.count == 2)
    }
}

import Diagnostics
import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Testing

/// The vendor kernel's checked add and handover (kernel/0002, kernel/README.md): `deferred_mem_init/online` takes
/// `ADDRESS online_kernel|online_movable`, adds the candidate block on its node and onlines it in one write, and
/// refuses what is not a candidate (ENXIO) or would interleave (ERANGE); `deferred_mem_init/state` says who adds
/// the memory (`waiting|userspace|kernel|done`).
@Suite("The kernel's checked add and handover: one write per block, on the candidate's node, and the kernel's turn", .fixtures)
struct CheckedAddTests {
    static let directory = "/sys/kernel/deferred_mem_init"

    /// QEMU's virt board with mem=1G and a kernel that has the checked add, its candidates on two nodes (the lower
    /// 1.5 GiB on node 0, the upper on node 1: probe would put every block on node 0).
    static func kernelWithCheckedAdd(state: String? = "waiting", extraCommandLine: String = "") throws -> URL {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Fixture.write("0x80000000-0xe0000000 0\n0xe0000000-0x140000000 1\n", to: directory + "/candidates", in: root)
        try Fixture.write("", to: directory + "/online", in: root)
        if let state { try Fixture.write(state + "\n", to: directory + "/state", in: root) }
        if !extraCommandLine.isEmpty {
            let line = try String(contentsOf: root.appendingPathComponent("proc/cmdline"), encoding: .utf8)
            try Fixture.write(line.trimmingCharacters(in: .newlines) + " " + extraCommandLine + "\n", to: "/proc/cmdline", in: root)
        }
        return root
    }

    /// The parts of `/run/deferred-memd/report.json` these tests read.
    struct WrittenReport {
        struct Block {
            var index: Int
            var outcome: String
            var reason: String?
        }
        var blocks: [Block]
        var notes: [String]

        init(_ root: URL) throws {
            let written = try report(root)
            blocks = ((written["blocks"] as? [[String: Any]]) ?? []).map {
                Block(index: $0["index"] as? Int ?? -1, outcome: $0["outcome"] as? String ?? "", reason: $0["reason"] as? String)
            }
            notes = written["notes"] as? [String] ?? []
        }
    }

    @Test("the plan puts each block on its candidate's node, and the split is per node; no numa-node-via-probe warning")
    func planUsesCandidateNodes() throws {
        let root = try Self.kernelWithCheckedAdd()
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.count == 24)
        #expect(plan.blocks.filter { $0.node == 0 }.map(\.index) == Array(16..<28))
        #expect(plan.blocks.filter { $0.node == 1 }.map(\.index) == Array(28..<40))
        // kernelcore=50%: half of each node, its lowest blocks, in the kernel zone.
        #expect(plan.blocks.filter { $0.zone == .normal }.map(\.index) == Array(16..<22) + Array(28..<34))
        #expect(!plan.warnings.contains { $0.code == .numaNodeViaProbe })
    }

    @Test("without the online file the same candidates plan every block on probe's node")
    func planWithoutCheckedAddUsesProbeNode() throws {
        let root = try Self.kernelWithCheckedAdd()
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/kernel/deferred_mem_init/online"))
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.allSatisfy { $0.node == 0 })
    }

    @Test("a run claims the memory, makes one checked add per block and says done; the dry run's writes are the simulated run's")
    func runWritesOnePerBlock() throws {
        let (dry, writes) = try DryRunTests.compare(
            { root in
                try Fixture.write("0x80000000-0xe0000000 0\n0xe0000000-0x140000000 1\n", to: Self.directory + "/candidates", in: root)
                try Fixture.write("", to: Self.directory + "/online", in: root)
                try Fixture.write("waiting\n", to: Self.directory + "/state", in: root)
            }, example: "arm64-qemu-virt")
        #expect(writes.first == .handover(.userspace))
        #expect(writes.last == .handover(.done))
        #expect(writes.first.map { [$0.path, $0.value] } == [Self.directory + "/state", "userspace"])
        #expect(writes.last.map { [$0.path, $0.value] } == [Self.directory + "/state", "done"])
        let adds = writes.dropFirst().dropLast()
        #expect(adds.count == 24)
        #expect(adds.allSatisfy { $0.path == Self.directory + "/online" })
        #expect(adds.first?.value == "0x80000000 online_kernel")
        #expect(adds.last?.value == "0x138000000 online_movable")
        #expect(dry.report.status == .success)
        #expect(dry.report.result.records.allSatisfy { $0.writes == .checkedAdd })
        // --dry-run --json names each checked add's block (0x80000000 / 128 MiB = 16), and none for the handover.
        #expect(adds.map { dry.block(of: $0) } == Array(16..<40))
        #expect(dry.block(of: writes[0]) == nil)
    }

    @Test("the simulated kernel adds each block on its candidate's node, in the zone named")
    func simulatedNodes() throws {
        let root = try Self.kernelWithCheckedAdd()
        let status = DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext())
        #expect(status == .success)
        let memory = root.appendingPathComponent("sys/devices/system/memory")
        for (index, node) in [(16, 0), (27, 0), (28, 1), (39, 1)] {
            let entries = try FileManager.default.contentsOfDirectory(atPath: memory.appendingPathComponent("memory\(index)").path)
            #expect(entries.contains("node\(node)"), "memory\(index)")
        }
        let zones = try String(contentsOf: memory.appendingPathComponent("memory39/valid_zones"), encoding: .utf8)
        #expect(zones == "Movable\n")
        let state = try String(contentsOf: root.appendingPathComponent("sys/kernel/deferred_mem_init/state"), encoding: .utf8)
        #expect(state == "done\n")
    }

    @Test("asked for two writes, the run probes, and the plan puts the blocks where probe does")
    func twoWritesWhenAsked() throws {
        let root = try Self.kernelWithCheckedAdd()
        var job = DryRunTests.job(root, simulate: false, dryRun: true)
        job.placement.probeMethod = .twoWrite
        let dry = try job.dry(context: DryRunTests.quietContext())
        #expect(!dry.writes.contains { $0.path == Self.directory + "/online" })
        #expect(dry.writes.contains { $0.path.hasSuffix("/memory/probe") && $0.value == "0xe0000000" })
        #expect(dry.plan.blocks.allSatisfy { $0.node == 0 })
    }

    @Test(
        "the kernel's refusals: ENXIO is a refusal (not a candidate), ERANGE a failure that names the interleave, and the other blocks go on",
        arguments: [("ENXIO", "refused", "not among the kernel's candidates"), ("ERANGE", "failed", "would interleave")])
    func refusals(errno: String, outcome: String, reason: String) throws {
        let root = try Self.kernelWithCheckedAdd()
        var job = DryRunTests.job(root, simulate: true)
        job.faults = try #require(SimulatedKernel.Fault(parsing: "probe:39:\(errno):forever").map { [$0] })
        let status = job.run(context: DryRunTests.quietContext())
        #expect(status == .partial)
        let report = try WrittenReport(root)
        let record = try #require(report.blocks.first { $0.index == 39 })
        #expect(record.outcome == outcome)
        #expect(record.reason?.contains(reason) == true)
        #expect(report.blocks.filter { $0.outcome == "onlined" }.count == 23)
        // The kernel adds what the run left out once it says done.
        let state = try String(contentsOf: root.appendingPathComponent("sys/kernel/deferred_mem_init/state"), encoding: .utf8)
        #expect(state == "done\n")
        #expect(report.notes.contains { $0.contains("told the kernel 'done'") })
    }

    @Test("a block the kernel took over meanwhile (EEXIST, online in the planned zone) is raced, not a conflict")
    func takenOverMeanwhile() throws {
        let root = try Self.kernelWithCheckedAdd()
        let machine = try Machine.read(from: KernelFiles(root: .init(root.path)))
        let kernel = SimulatedKernel(files: KernelFiles(root: .init(root.path)), machine: machine, options: .init())
        let plan = try Fixture.plan(root)
        // The kernel's own add of block 39, after the plan and before the run reaches it.
        try kernel.write(.checkedAdd(address: 0x1_3800_0000, zone: .movable))
        let block = try #require(plan.blocks.first { $0.index == 39 })
        let planOfOne = Plan(
            blockSize: plan.blockSize, source: plan.source, bootEnd: plan.bootEnd, ram: plan.ram, blocks: [block], skipped: [], split: plan.split,
            normalFirst: false, warnings: [])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let result = Engine(
            plan: planOfOne, kernel: kernel, probeGuard: ProbeGuard(machine: machine), probeUnavailable: nil, options: EngineOptions(), logger: logger,
            planIsFresh: true, checkedAdd: true
        ).run(stop: StopFlag())
        #expect(result.records.map(\.outcome) == [.raced])
    }

    @Test("deferred_mem.mode=kernel: the run stands down, writes nothing, and reports what the kernel added")
    func kernelMethodStandsDown() throws {
        let root = try Self.kernelWithCheckedAdd(extraCommandLine: "deferred_mem.mode=kernel")
        // The kernel method, as the simulated kernel does it: every candidate added in its zone, then done.
        let added = try Self.kernelWithCheckedAdd()
        #expect(DryRunTests.job(added, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        let memory = "sys/devices/system/memory"
        try FileManager.default.removeItem(at: root.appendingPathComponent(memory))
        try FileManager.default.copyItem(at: added.appendingPathComponent(memory), to: root.appendingPathComponent(memory))
        let spy = SpyBox()
        let status = DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext(spy: spy))
        #expect(status == .success)
        #expect(spy.writes.isEmpty)
        let report = try WrittenReport(root)
        #expect(report.blocks.count == 24)
        #expect(report.blocks.allSatisfy { $0.outcome == "added-by-kernel" })
        #expect(report.notes.contains { $0.contains("deferred_mem.mode=kernel") })
    }

    @Test("state reads kernel (EBUSY to userspace): the run stands down without a write")
    func kernelBusyStandsDown() throws {
        let root = try Self.kernelWithCheckedAdd(state: "kernel")
        let dry = try DryRunTests.job(root, simulate: false, dryRun: true).dry(context: DryRunTests.quietContext())
        #expect(dry.writes.isEmpty)
        #expect(dry.report.notes.contains { $0.contains("reads 'kernel'") })
    }

    @Test("while the kernel adds, the wait polls state until it no longer reads kernel, or gives up")
    func waitForKernel() throws {
        let root = try Self.kernelWithCheckedAdd(state: "kernel")
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        let kernel = SimulatedKernel(files: files, machine: machine, options: .init())
        let handover = Handover(kernel: kernel)
        #expect(handover.claim() == .kernelAdding)
        #expect(handover.waitWhileKernelAdds(stop: StopFlag(), limit: 30_000_000, interval: 1_000_000) == .kernel)
        try Fixture.write("done\n", to: Self.directory + "/state", in: root)
        #expect(handover.waitWhileKernelAdds(stop: StopFlag(), limit: 30_000_000) == .done)
        #expect(handover.claim() == .claimed)
    }

    @Test("a state the kernel does not write is bad input naming the file and the words it takes")
    func badState() throws {
        let root = try Self.kernelWithCheckedAdd(state: "maybe")
        #expect {
            _ = try Fixture.plan(root)
        } throws: { error in
            "\(error)".contains(Self.directory + "/state") && "\(error)".contains("waiting, userspace, kernel, done")
        }
    }

    @Test("doctor: with memmap_on_memory the checked add hosts each block's memmap in the block; probe never does")
    func doctorMemmapOnMemory() throws {
        let root = try Self.kernelWithCheckedAdd()
        func finding() throws -> Finding {
            var job = DoctorJob()
            job.machine = MachineSelection(sysroot: root.path)
            return try #require(DoctorCheck.findings(job.read()).first { $0.code == .memmapOnMemory })
        }
        let parameter = MemoryHotplugParameters.path + "/memmap_on_memory"
        try Fixture.write("N\n", to: parameter, in: root)
        #expect(try finding().message.contains("memory_hotplug.memmap_on_memory=1 on the command line puts it in the block itself"))
        try Fixture.write("Y\n", to: parameter, in: root)
        #expect(try finding().message.contains("the checked add hosts each block's memmap in the block itself"))
        try Fixture.write("0\n", to: DeferredMemInit.memmapInBlockPath, in: root)
        #expect(try finding().message.contains("memmap_on_memory reads 0: a block cannot hold its own memmap on this kernel"))
        try Fixture.write("1\n", to: DeferredMemInit.memmapInBlockPath, in: root)
        try FileManager.default.removeItem(at: root.appendingPathComponent(String(DeferredMemInit.onlinePath.dropFirst())))
        #expect(try finding().message.contains("probe never does"))
    }

    @Test("doctor says who adds the memory: the timeout, or the kernel method")
    func doctorHandover() throws {
        let timed = try Self.kernelWithCheckedAdd(extraCommandLine: "deferred_mem.timeout=30")
        let machine = try Machine.read(from: KernelFiles(root: .init(timed.path)))
        let finding = try #require(DoctorCheck.handover(machine).first)
        #expect(finding.code == .kernelHandover && finding.message.contains("after 30 s"))
        let kernelMode = try Self.kernelWithCheckedAdd(extraCommandLine: "deferred_mem.mode=kernel")
        let method = try #require(DoctorCheck.handover(try Machine.read(from: KernelFiles(root: .init(kernelMode.path)))).first)
        #expect(method.message.contains("stands down"))
    }
}

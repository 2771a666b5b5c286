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
import Settings
import Synchronization
import SystemPackage
import Testing

/// A kernel that keeps the books of free memory as 6.1 does: a probe takes its block's memmap (1/64) and the probe
/// overhead from free kernel memory, or fails with ENOMEM; `online_kernel` frees the block into a kernel zone;
/// `online_movable` into ZONE_MOVABLE, which `MemFree` counts but no probe can use.
final class MemmapKernel: HotplugKernel {
    struct Books {
        var kernelFree: UInt64
        var movableFree: UInt64 = 0
        var lowest: UInt64
        /// The lowest free kernel memory: what the next probe could use (MemFree also counts ZONE_MOVABLE).
        var lowestKernel: UInt64
        var states: [Int: String] = [:]
        var enomem = 0
    }
    let blockSize: UInt64
    let books: Mutex<Books>

    init(blockSize: UInt64, free: UInt64) {
        self.blockSize = blockSize
        self.books = Mutex(Books(kernelFree: free, lowest: free, lowestKernel: free))
    }

    var probeCost: UInt64 { Planner.memmapBytes(of: blockSize, pageSize: 4096) + Planner.probeOverhead }

    func write(_ operation: KernelWrite) throws(KernelFileError) {
        let path = FilePath(operation.path)
        switch operation {
        case .probe(let address):
            let index = Int(address / blockSize)
            let ok = books.withLock { books -> Bool in
                guard books.kernelFree >= probeCost else {
                    books.enomem += 1
                    return false
                }
                books.kernelFree -= probeCost
                books.lowest = min(books.lowest, books.kernelFree + books.movableFree)
                books.lowestKernel = min(books.lowestKernel, books.kernelFree)
                books.states[index] = "offline"
                return true
            }
            guard ok else { throw KernelFileError(.write, path: path, errno: .noMemory, value: operation.value) }
        case .blockState(let index, let command):
            books.withLock { books in
                books.states[index] = command == .onlineMovable ? "Movable" : "Normal"
                if command == .onlineMovable { books.movableFree += blockSize } else { books.kernelFree += blockSize }
            }
        case .autoOnlineBlocks, .checkedAdd, .handover:
            throw KernelFileError(.write, path: path, errno: .permissionDenied, value: operation.value)
        }
    }

    func read(_ machinePath: String) throws(KernelFileError) -> String {
        if machinePath == Meminfo.path { return books.withLock { "MemFree: \(($0.kernelFree + $0.movableFree) >> 10) kB\n" } }
        guard let index = Self.index(machinePath), let state = books.withLock({ $0.states[index] }) else {
            throw KernelFileError(.open, path: FilePath(machinePath), errno: .noSuchFileOrDirectory)
        }
        if machinePath.hasSuffix("/state") { return state == "offline" ? "offline" : "online" }
        return state == "offline" ? "Normal Movable" : state
    }

    static func index(_ path: String) -> Int? {
        guard path.hasPrefix(MemoryBlockDirectory.blockPrefix) else { return nil }
        return Int(path.dropFirst(MemoryBlockDirectory.blockPrefix.count).prefix { $0.isNumber })
    }
}

@Suite("Scarce boot memory: the memmap of every probe comes out of online kernel memory, so the order decides whether it fits", .fixtures)
struct ScarceMemoryTests {
    static let block: UInt64 = 128 << 20
    static let perProbe = Planner.memmapBytes(of: block, pageSize: 4096) + Planner.probeOverhead

    /// The QEMU guest of the scarce scenarios: 125 blocks (15.6 GiB) to probe above mem=256M, 184 MiB free.
    static func machine(free: UInt64 = 184 << 20, deferredBlocks: Int = 125) -> Machine {
        PlannerTests.machine(dram: UInt64(2 + deferredBlocks) * block, boot: 2 * block, memFree: free)
    }

    static func plan(kernelCore: Int?, movableCore: Int? = nil, free: UInt64 = 184 << 20) throws -> Plan {
        try Planner().plan(
            machine: machine(free: free),
            split: SplitRequest(kernelCore: kernelCore.map { .percent(UInt64($0)) }, movableCore: movableCore.map { .percent(UInt64($0)) }, source: .flags))
    }

    @Test("half Movable in 184 MiB: tight, Normal first, and the need is one probe plus the margin", arguments: [50, 15])
    func tightButFits(_ kernelCore: Int) throws {
        let plan = try Self.plan(kernelCore: kernelCore)
        let budget = try #require(plan.memmapBudget)
        #expect(budget.memmap == 125 * (Self.block / 64))
        #expect(budget.need == Self.perProbe + Planner.memmapMargin)
        #expect(budget.tight && budget.fits && plan.normalFirst)
        let warning = try #require(plan.warnings.first { $0.code == .memmapHeadroom })
        #expect(warning.message.contains("the plan needs 18.1 MiB free at start"), "\(warning.message)")
        #expect(!plan.warnings.contains { $0.code == .memmapCannotFit })
    }

    @Test("all Movable: every memmap comes out of boot memory; 184 MiB is short, the plan says by how much")
    func allMovableCannotFit() throws {
        let plan = try Self.plan(kernelCore: nil, movableCore: 100)
        let budget = try #require(plan.memmapBudget)
        #expect(budget.need == 125 * Self.perProbe + Planner.memmapMargin)
        #expect(!budget.fits)
        let warning = try #require(plan.warnings.first { $0.code == .memmapCannotFit })
        #expect(warning.message.contains("the plan needs 273.8 MiB free at start, 89.8 MiB more"), "\(warning.message)")
        #expect(!plan.warnings.contains { $0.code == .memmapHeadroom })
    }

    @Test("Movable beyond what the Normal blocks bring: the need is the memmap held at the last probe")
    func needFollowsTheOrder() throws {
        // 5 Normal blocks bring 640 MiB; 120 Movable probes then hold 125 probes' memmap less those 640 MiB (< 0).
        let plan = try Self.plan(kernelCore: 4)
        #expect(plan.blocks.filter { $0.zone == .normal }.count == 5)
        #expect(plan.memmapBudget?.need == Self.perProbe + Planner.memmapMargin)
        // 1 Normal block: 124 Movable probes after it, 128 MiB back.
        let one = try Planner().plan(machine: Self.machine(), split: SplitRequest(kernelCore: .bytes(Self.block), movableCore: nil, source: .flags))
        #expect(one.memmapBudget?.need == 125 * Self.perProbe - Self.block + Planner.memmapMargin)
    }

    @Test("free pages already in ZONE_MOVABLE (kernelcore= at boot) do not count: no memmap can come from them")
    func movableFreeDoesNotCount() throws {
        var machine = Self.machine(free: 300 << 20)
        machine.zoneSpans = ZoneSpans(spans: [
            .init(node: 0, zone: "Normal", startPFN: 0, spannedPages: 32768, freePages: 1000),
            .init(node: 0, zone: "Movable", startPFN: 32768, spannedPages: 32768, freePages: 25600),
        ])
        let plan = try Planner().plan(machine: machine, split: SplitRequest(kernelCore: nil, movableCore: .percent(100), source: .flags))
        #expect(plan.memmapBudget?.free == (300 - 100) << 20)
        #expect(plan.memmapBudget?.fits == false)
        machine.zoneSpans = nil
        let unknown = try Planner().plan(machine: machine, split: SplitRequest(kernelCore: nil, movableCore: .percent(100), source: .flags))
        #expect(unknown.memmapBudget?.free == 300 << 20)
        #expect(unknown.memmapBudget?.fits == true)
    }

    @Test("plenty of memory: not tight, no warning, the engine keeps its usual order; nothing to probe: no budget")
    func plenty() throws {
        let plan = try Self.plan(kernelCore: 50, free: 2 << 30)
        #expect(plan.memmapBudget?.tight == false)
        #expect(!plan.normalFirst)
        #expect(plan.warnings.allSatisfy { $0.code != .memmapHeadroom && $0.code != .memmapCannotFit })
        let dimms = try Planner().plan(machine: PlannerTests.dimmMachine([(8, 0)]), split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none))
        #expect(dimms.memmapBudget == nil)
    }

    @Test(
        "on a kernel that keeps the books, a tight plan fits in every worker mode; the report gives free memory at start and its low",
        arguments: WorkerMode.allCases)
    func tightPlanFits(_ workers: WorkerMode) throws {
        let plan = try Self.plan(kernelCore: 50)
        let kernel = MemmapKernel(blockSize: Self.block, free: 184 << 20)
        let result = EngineSeamTests.run(plan, kernel: kernel, workers: workers, fresh: true)
        #expect(result.records.allSatisfy { $0.outcome == .onlined })
        #expect(kernel.books.withLock { $0.enomem } == 0)
        #expect(result.memFreeStart == 184 << 20)
        // The low point is right after the first probe: its memmap taken, its block not online yet.
        #expect(result.memFreeLow == (184 << 20) - Self.perProbe)
        #expect(result.memFreeLow == kernel.books.withLock { $0.lowest })
        // No Movable probe ran beside a Normal one: free kernel memory never fell below one probe's cost.
        #expect(kernel.books.withLock { $0.lowestKernel } == (184 << 20) - Self.perProbe)
    }

    @Test("with 100 MiB free the plan fits Normal first; Movable first, its probes run out of memory (why the order matters)")
    func wrongOrderRunsOut() throws {
        var plan = try Self.plan(kernelCore: 50, free: 100 << 20)
        #expect(plan.memmapBudget?.fits == true)
        plan.normalFirst = false
        plan.blocks.sort { ($0.zone == .movable ? 0 : 1, $0.index) < ($1.zone == .movable ? 0 : 1, $1.index) }
        let kernel = MemmapKernel(blockSize: Self.block, free: 100 << 20)
        let result = Engine(
            plan: plan, kernel: kernel, probeGuard: ProbeGuard(ram: plan.ram, reserved: []), probeUnavailable: nil,
            options: EngineOptions(workers: .serial, gate: false, retry: RetryPolicy(maxAttempts: 1)), logger: Logger(label: "test"), planIsFresh: true
        ).run(stop: StopFlag())
        #expect(kernel.books.withLock { $0.enomem } > 0)
        #expect(result.records.contains { if case .failed(.probe, .noMemory?, _) = $0.outcome { true } else { false } })
    }

    @Test("with memory not tight, free memory is read at start and end only, not after each probe")
    func boundedReads() throws {
        let plan = try Self.plan(kernelCore: 50, free: 2 << 30)
        let kernel = MemmapKernel(blockSize: Self.block, free: 2 << 30)
        let result = EngineSeamTests.run(plan, kernel: kernel, workers: .serial, fresh: true)
        #expect(result.memFreeStart == 2 << 30)
        // Start and end only: the low is the lower of the two, not the dip after the first probe.
        #expect(result.memFreeLow == 2 << 30)
    }

    /// The arm64 QEMU machine (24 blocks to probe above mem=1G), with `MemFree` set.
    static func tree(free kib: Int) throws -> URL {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Fixture.write("MemTotal:        1000000 kB\nMemFree:         \(kib) kB\n", to: "/proc/meminfo", in: root)
        return root
    }

    @Test("a plan that cannot fit is refused before any write: exit 5, the figures named, nothing probed, auto_online_blocks and /run untouched")
    func refusedBeforeAnyWrite() throws {
        let root = try Self.tree(free: 40_000)
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let plan = InProcess.run(["plan", "--movablecore", "100%", "--sysroot", root.path])
        #expect(plan.stdout.contains("the plan needs 65.5 MiB free at start, 26.4 MiB more"), "\(plan.stdout)")
        let dry = InProcess.run(["run", "--dry-run", "--json", "--movablecore", "100%", "--sysroot", root.path])
        #expect(dry.status == ExitStatus.memoryShortfall.rawValue)
        #expect(dry.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let before = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("sys/devices/system/memory").path).sorted()
        let run = InProcess.run(
            ["run", "--simulate", "--latency-ms-per-gib", "0", "--json", "--movablecore", "100%", "--sysroot", root.path], program: Binary.boot)
        #expect(run.status == ExitStatus.memoryShortfall.rawValue, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("nothing done: free memory 39.1 MiB is below the 65.5 MiB the memmap of the blocks to probe needs"), "\(run.stdout)")
        #expect(run.stdout.contains("\"fits\": false"))
        let after = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("sys/devices/system/memory").path).sorted()
        #expect(after == before)
        #expect(try String(contentsOf: root.appendingPathComponent("sys/devices/system/memory/auto_online_blocks"), encoding: .utf8) == "online\n")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("run/deferred-memd/plan.json").path))
    }

    @Test("the checked add of a kernel that hosts each block's memmap in the block: the plan refused above runs, all Movable")
    func memmapInTheBlocks() throws {
        let root = try CheckedAddTests.kernelWithCheckedAdd()
        try Fixture.write("MemTotal:        1000000 kB\nMemFree:         40000 kB\n", to: "/proc/meminfo", in: root)
        let arguments = ["run", "--simulate", "--latency-ms-per-gib", "0", "--json", "--movablecore", "100%", "--sysroot", root.path]
        try Fixture.write("0\n", to: DeferredMemInit.memmapInBlockPath, in: root)
        let refused = InProcess.run(arguments, program: Binary.boot)
        #expect(refused.status == ExitStatus.memoryShortfall.rawValue, "\(refused.stdout) \(refused.stderr)")
        try Fixture.write("1\n", to: DeferredMemInit.memmapInBlockPath, in: root)
        let run = InProcess.run(arguments, program: Binary.boot)
        #expect(run.status == ExitStatus.success.rawValue, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("\"memmap\": null"), "\(run.stdout)")
        #expect(run.stdout.contains("\"outcome\": \"onlined\""))
        try Fixture.write("yes\n", to: DeferredMemInit.memmapInBlockPath, in: root)
        let bad = InProcess.run(["plan", "--sysroot", root.path])
        #expect(bad.status != ExitStatus.success.rawValue && bad.stderr.contains(DeferredMemInit.memmapInBlockPath), "\(bad.stderr)")
    }

    @Test("the same machine with half Normal fits: it runs, Normal first, and the report carries free memory at start and its low")
    func halfNormalRuns() throws {
        let root = try Self.tree(free: 40_000)
        let run = InProcess.run(
            ["run", "--simulate", "--latency-ms-per-gib", "0", "--json", "--movablecore", "50%", "--sysroot", root.path], program: Binary.boot)
        #expect(run.status == ExitStatus.success.rawValue, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("\"memFreeStart\": 40960000"))
        #expect(run.stdout.contains("\"tight\": true"))
    }

    /// What a run killed after its Normal blocks leaves: those blocks probed and online in the kernel zone, the
    /// Movable ones not yet probed. The kernel's free memory grew by every Normal block; the re-run's probes of the
    /// Movable blocks fit in it, as they would on the real kernel (the simulation used to keep the boot figure).
    @Test("a re-run after a kill on tight boot memory finishes: free memory grew with each Normal block onlined")
    func resumeOnTightMemory() throws {
        let root = try Self.tree(free: 30_000)
        let files = KernelFiles(root: .init(root.path))
        let kernel = SimulatedKernel(files: files, machine: try Machine.read(from: files), options: .init(nanosecondsPerGiB: 0))
        for index in 16..<28 {
            try kernel.write(.probe(address: UInt64(index) * Self.block))
            try kernel.write(.blockState(index: index, command: .onlineKernel))
        }
        let run = InProcess.run(
            ["run", "--simulate", "--latency-ms-per-gib", "0", "--json", "--movablecore", "50%", "--sysroot", root.path], program: Binary.boot)
        #expect(run.status == ExitStatus.success.rawValue, "\(run.stdout) \(run.stderr)")
        for index in 28..<40 {
            #expect(try files.readValue("/sys/devices/system/memory/memory\(index)/valid_zones") == "Movable", "memory\(index)")
        }
    }
}

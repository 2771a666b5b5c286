import Execution
import Foundation
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Settings
import Synchronization
import SystemPackage
import Testing
import TinyJSON

/// What the engine asks of the kernel, counted: the promises behind its speed and behind its report.
@Suite(.fixtures) struct EngineSeamTests {
    static let blockSize: UInt64 = 128 << 20

    static func plan(_ zones: [Zone], first: Int = 16) -> Plan {
        let blocks = zones.enumerated().map { offset, zone in
            Plan.Block(index: first + offset, start: UInt64(first + offset) * blockSize, node: 0, zone: zone, action: .probe)
        }
        return Plan(
            blockSize: blockSize, source: .deferredMemInit, bootEnd: UInt64(first) * blockSize,
            ram: RangeSet([AddressRange(start: 0, end: UInt64(first + zones.count) * blockSize)]), blocks: blocks, skipped: [],
            split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none), normalFirst: true, warnings: [])
    }

    /// `fresh`: the plan's actions are what the machine showed moments ago (see `Engine.planIsFresh`).
    static func run(_ plan: Plan, kernel: any HotplugKernel, workers: WorkerMode = .serial, fresh: Bool = false) -> EngineResult {
        Engine(
            plan: plan, kernel: kernel, probeGuard: ProbeGuard(ram: plan.ram, reserved: []),
            probeUnavailable: nil, options: EngineOptions(workers: workers, gate: false), logger: Logger(label: "test"),
            planIsFresh: fresh
        ).run(stop: StopFlag())
    }

    @Test(
        "a deferred block of a fresh plan costs what a shell loop pays: the probe and online writes; then two verification reads (and MemFree read at start and end of the run)"
    )
    func writesAndReadsPerBlock() {
        for workers in WorkerMode.allCases {
            let kernel = CountingKernel(blockSize: Self.blockSize)
            let result = Self.run(
                Self.plan(Array(repeating: .normal, count: 6) + Array(repeating: .movable, count: 4)), kernel: kernel, workers: workers, fresh: true)
            #expect(result.records.allSatisfy { $0.outcome == .onlined }, "\(workers)")
            #expect(kernel.writeCount == 20)
            #expect(kernel.readCount == 20 + 2)
            #expect(result.firstWriteMonotonic >= result.startedMonotonic && result.firstWriteMonotonic > 0)
        }
    }

    @Test("the serial worker runs on the calling thread (no thread to start before the first write), unless it is placed")
    func serialWorkerOnCallingThread() {
        let caller = pthread_self()
        for (options, inline) in [
            (EngineOptions(workers: .serial), true), (EngineOptions(workers: .serial, priority: [.normal: .nice(0)]), false),
            (EngineOptions(workers: .perZone, gate: false), false),
        ] {
            let threads = Mutex<[pthread_t]>([])
            let plan = Self.plan([.normal, .movable])
            _ = Engine(
                plan: plan, kernel: CountingKernel(blockSize: Self.blockSize), probeGuard: ProbeGuard(ram: plan.ram, reserved: []), probeUnavailable: nil,
                options: options, logger: Logger(label: "test"), planIsFresh: true
            ).run(stop: StopFlag()) { _ in threads.withLock { $0.append(pthread_self()) } }
            let seen = threads.withLock { $0 }
            #expect(seen.count == 2)
            #expect(seen.allSatisfy { pthread_equal($0, caller) != 0 } == inline, "\(options.workers) \(options.priority)")
        }
    }

    @Test("a plan resumed from the journal is not trusted: each block's state is read once before its writes")
    func resumedPlanReadsStateFirst() {
        let kernel = CountingKernel(blockSize: Self.blockSize)
        let result = Self.run(Self.plan([.normal, .normal, .movable, .movable]), kernel: kernel, fresh: false)
        #expect(result.records.allSatisfy { $0.outcome == .onlined })
        #expect(kernel.writeCount == 8)
        #expect(kernel.readCount == 4 + 8 + 2)
    }

    @Test("a second run over blocks already online writes nothing and reports them already online")
    func rerunWritesNothing() {
        let kernel = CountingKernel(blockSize: Self.blockSize)
        let plan = Self.plan([.normal, .normal, .movable])
        _ = Self.run(plan, kernel: kernel, fresh: true)
        let writes = kernel.writeCount
        // The journal's plan, resumed: actions from before the first run.
        let again = Self.run(plan, kernel: kernel)
        #expect(kernel.writeCount == writes)
        #expect(again.records.allSatisfy { $0.outcome == .alreadyOnline })
        #expect(again.firstWriteMonotonic == 0)
        // A fresh plan made now sees them online.
        var seen = plan
        for position in seen.blocks.indices {
            seen.blocks[position].action = .online
            seen.blocks[position].alreadyOnline = true
        }
        let fresh = Self.run(seen, kernel: kernel, fresh: true)
        #expect(kernel.writeCount == writes)
        #expect(fresh.records.allSatisfy { $0.outcome == .alreadyOnline })
    }

    @Test("a fresh plan overtaken by another agent: probe EEXIST and state EINVAL, then the kernel's view decides (raced or conflict)")
    func freshPlanOvertaken() throws {
        let kernel = CountingKernel(blockSize: Self.blockSize)
        let plan = Self.plan([.normal, .normal, .normal, .movable])
        // Between the plan and the run, another agent adds 17 and 18 and onlines 17 Movable, 18 Normal.
        for index in [17, 18] { try kernel.write(.probe(address: UInt64(index) * Self.blockSize)) }
        try kernel.write(.blockState(index: 17, command: .onlineMovable))
        try kernel.write(.blockState(index: 18, command: .onlineKernel))
        let result = Self.run(plan, kernel: kernel, fresh: true)
        #expect(result.records.map(\.outcome) == [.onlined, .conflict(actual: "Movable"), .raced, .onlined])
    }

    /// A kernel that accepts every write and then shows some blocks differently: the report must say what the
    /// kernel shows after the run, not what the write returned.
    final class DriftingKernel: HotplugKernel {
        let inner = CountingKernel(blockSize: EngineSeamTests.blockSize)
        let otherZone: Int
        let offlineAgain: Int
        init(otherZone: Int, offlineAgain: Int) {
            self.otherZone = otherZone
            self.offlineAgain = offlineAgain
        }

        func write(_ operation: KernelWrite) throws(KernelFileError) { try inner.write(operation) }
        func read(_ machinePath: String) throws(KernelFileError) -> String {
            let value = try inner.read(machinePath)
            guard value != "offline", value != "Normal Movable" else { return value }
            if machinePath.contains("/memory\(otherZone)/valid_zones") { return "Movable" }
            if machinePath.contains("/memory\(offlineAgain)/state") { return "offline" }
            return value
        }
    }

    @Test("verification re-reads every block the run onlined: the other zone is a conflict, offline again is a failure")
    func verificationReportsTheKernelsView() {
        let kernel = DriftingKernel(otherZone: 17, offlineAgain: 18)
        let result = Self.run(Self.plan([.normal, .normal, .normal, .movable]), kernel: kernel)
        let outcomes = Dictionary(uniqueKeysWithValues: result.records.map { ($0.block.index, $0.outcome) })
        #expect(outcomes[16] == .onlined)
        #expect(outcomes[17] == .conflict(actual: "Movable"))
        guard case .failed(let stage, _, let reason)? = outcomes[18] else {
            Issue.record("memory18: \(String(describing: outcomes[18]))")
            return
        }
        #expect(stage == .verify && reason.contains("offline again"))
        #expect(outcomes[19] == .onlined)
    }

    @Test("the plan journal holds runs of blocks, so a 16 TiB plan is a few entries written before the first write")
    func journalRuns() throws {
        let root = try Fixture.temporaryDirectory()
        let files = KernelFiles(root: .init(root.path))
        let plan = Self.plan(Array(repeating: .normal, count: 65_536) + Array(repeating: .movable, count: 65_536))
        try PlanJournal(state: .onDisk(files)).record(plan)
        let journal = try JSONValue(parsing: try files.readText(PlanJournal.path))
        #expect(journal["extents"]?.arrayValue?.count == 2)

        // A fresh plan after a crash sees only the Movable half still offline, and planned it Normal: the journal wins.
        var fresh = Self.plan(Array(repeating: .normal, count: 65_536), first: 16 + 65_536)
        fresh.bootEnd = plan.bootEnd
        let (resumed, wasResumed) = PlanJournal(state: .onDisk(files)).reconcile(fresh)
        #expect(wasResumed)
        #expect(resumed.blocks.count == 131_072)
        #expect(resumed.blocks.filter { $0.zone == .movable }.map(\.index) == Array((16 + 65_536)..<(16 + 131_072)))
    }
}

import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

/// Events at given times after the first call, as a uevent monitor would deliver them.
final class ScriptedEvents: BlockEventSource {
    private var script: [(at: UInt64, event: BlockEvent)]
    private var start: UInt64?

    init(_ script: [(at: UInt64, event: BlockEvent)]) { self.script = script }

    var isExhausted: Bool { script.isEmpty }

    func next(timeoutNanoseconds: UInt64) throws -> BlockEvent? {
        let now = Clock.monotonicNanoseconds()
        let origin = start ?? now
        start = origin
        guard let (at, event) = script.first else { return nil }
        let due = origin + at
        if due > now + timeoutNanoseconds {
            usleep(UInt32(timeoutNanoseconds / 1000))
            return nil
        }
        if due > now { usleep(UInt32((due - now) / 1000)) }
        script.removeFirst()
        return event
    }
}

/// A hot-added DIMM as the kernel shows it: offline blocks in `node`, `Normal Movable` valid.
func addBlocks(_ indices: ClosedRange<Int>, node: Int, in root: URL) throws {
    for index in indices {
        let directory = "/sys/devices/system/memory/memory\(index)"
        try Fixture.write("offline\n", to: directory + "/state", in: root)
        try Fixture.write("Normal Movable\n", to: directory + "/valid_zones", in: root)
        try Fixture.write(String(format: "%08x\n", index), to: directory + "/phys_index", in: root)
        try FileManager.default.createSymbolicLink(atPath: root.path + directory + "/node\(node)", withDestinationPath: "../../node/node\(node)")
    }
}

func zones(_ indices: ClosedRange<Int>, in root: URL) throws -> [String] {
    try indices.map {
        try String(contentsOfFile: root.path + "/sys/devices/system/memory/memory\($0)/valid_zones", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
}

@Suite("watch: runtime hot-add, per policy", .fixtures)
struct WatchTests {
    static func watcher(_ root: URL, policy: HotAddPolicy, coldplug: Bool, quiet: UInt64 = 50_000_000) throws -> HotAddWatcher {
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        // watch never probes: whatever the kernel added has RAM behind it.
        let kernel = SimulatedKernel(
            files: files, machine: machine, options: .init(nanosecondsPerGiB: 0), physicalRAM: RangeSet([AddressRange(start: 0, end: 1 << 52)]))
        return HotAddWatcher(
            files: files, kernel: kernel, policy: policy, engine: EngineOptions(),
            options: .init(quietNanoseconds: quiet, idlePollNanoseconds: 20_000_000, coldplug: coldplug), logger: Logger(label: "test"))
    }

    static func baseline(_ root: URL) throws -> AutoMovableBaseline {
        AutoMovableBaseline(directory: try MemoryBlockDirectory.read(from: KernelFiles(root: .init(root.path))))
    }

    @Test("coldplug with the configured split: the offline DIMMs end as `run` would have placed them")
    func coldplugSplit() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let plan = try Fixture.plan(root)
        let split = SplitRequest(kernelCore: nil, movableCore: .percent(50), source: .none)
        let totals = try Self.watcher(root, policy: .split(split), coldplug: true).run(source: ScriptedEvents([]), stop: StopFlag())
        #expect(totals.bursts == 1)
        #expect(totals.onlined[.normal] == plan.blocks.filter { $0.zone == .normal }.count)
        #expect(totals.onlined[.movable] == plan.blocks.filter { $0.zone == .movable }.count)
        #expect(try misplaced(plan, in: root).isEmpty)
    }

    @Test("a burst with duplicates and a block already online: each offline block onlined once, per node Normal below Movable")
    func burstSplit() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try addBlocks(64...71, node: 0, in: root)
        try addBlocks(72...79, node: 1, in: root)
        var script: [(UInt64, BlockEvent)] = []
        for (n, index) in (64...79).enumerated() { script.append((UInt64(n) * 1_000_000, BlockEvent(action: .add, index: index))) }
        script.append((17_000_000, BlockEvent(action: .add, index: 70)))  // duplicate
        script.append((18_000_000, BlockEvent(action: .add, index: 0)))  // boot memory, online
        script.append((19_000_000, BlockEvent(action: .online, index: 64)))  // not an add
        let split = SplitRequest(kernelCore: nil, movableCore: .percent(75), source: .none)
        let totals = try Self.watcher(root, policy: .split(split), coldplug: false).run(source: ScriptedEvents(script), stop: StopFlag())
        #expect(totals.bursts == 1)
        #expect(totals.alreadyOnline == 1)
        #expect(totals.onlined[.normal] == 4 && totals.onlined[.movable] == 12, "\(totals)")
        #expect(try zones(64...65, in: root) == ["Normal", "Normal"])
        #expect(try zones(66...71, in: root).allSatisfy { $0 == "Movable" })
        #expect(try zones(72...73, in: root) == ["Normal", "Normal"])
        #expect(try zones(74...79, in: root).allSatisfy { $0 == "Movable" })
        // The example's own offline DIMMs were not in the burst: untouched.
        #expect(try String(contentsOfFile: root.path + "/sys/devices/system/memory/memory40/state", encoding: .utf8) == "offline\n")
    }

    @Test("events far apart make separate bursts; a burst ends after the quiet time")
    func coalescing() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try addBlocks(64...71, node: 0, in: root)
        var script: [(UInt64, BlockEvent)] = (64...67).map { (UInt64($0 - 64) * 2_000_000, BlockEvent(action: .add, index: $0)) }
        script += (68...71).map { (400_000_000 + UInt64($0 - 68) * 2_000_000, BlockEvent(action: .add, index: $0)) }
        let totals = try Self.watcher(root, policy: .split(SplitRequest(kernelCore: nil, movableCore: nil, source: .none)), coldplug: false).run(
            source: ScriptedEvents(script), stop: StopFlag())
        #expect(totals.bursts == 2)
        #expect(totals.onlined[.normal] == 8)
    }

    @Test("auto-movable: a DIMM goes Movable as a whole while MOVABLE:KERNEL stays under the ratio, else to the kernel zone")
    func autoMovable() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let baseline = try Self.baseline(root)
        // The example boots with 2 GiB online in kernel zones, 1 GiB on each node: 301 % allows 6.02 GiB movable.
        #expect(baseline.kernel == NodeBytes(total: 2 << 30, byNode: [0: 1 << 30, 1: 1 << 30]))
        try addBlocks(64...95, node: 0, in: root)  // 4 GiB: 4 ≤ 6.02 → Movable
        try addBlocks(96...111, node: 0, in: root)  // 2 GiB more: 6 ≤ 6.02 → Movable
        try addBlocks(112...119, node: 0, in: root)  // 1 GiB more: 7 > 6.02 → the kernel zone, as a whole
        let policy = HotAddPolicy.autoMovable(ratioPercent: 301, perNode: false, baseline: baseline)
        let watcher = try Self.watcher(root, policy: policy, coldplug: false)
        for (n, range) in [64...95, 96...111, 112...119].enumerated() {
            let script = range.map { (UInt64($0 - range.lowerBound) * 100_000, BlockEvent(action: .add, index: $0)) }
            let totals = try watcher.run(source: ScriptedEvents(script), stop: StopFlag())
            #expect(totals.bursts == 1, "burst \(n)")
        }
        #expect(try zones(64...111, in: root).allSatisfy { $0 == "Movable" })
        #expect(try zones(112...119, in: root).allSatisfy { $0 == "Normal" })
    }

    @Test("auto-movable per node: a DIMM that fits the global ratio but not its node's goes to the kernel zone")
    func autoMovablePerNode() throws {
        for perNode in [true, false] {
            let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
            // 4 GiB on node 1: under 3.01 × 2 GiB in all, over 3.01 × node 1's 1 GiB.
            try addBlocks(64...95, node: 1, in: root)
            let policy = HotAddPolicy.autoMovable(ratioPercent: 301, perNode: perNode, baseline: try Self.baseline(root))
            let script = (64...95).map { (UInt64($0 - 64) * 100_000, BlockEvent(action: .add, index: $0)) }
            _ = try Self.watcher(root, policy: policy, coldplug: false).run(source: ScriptedEvents(script), stop: StopFlag())
            #expect(try zones(64...95, in: root).allSatisfy { $0 == (perNode ? "Normal" : "Movable") }, "perNode \(perNode)")
        }
    }

    @Test("the watch command: events from a FIFO, blocks online per policy, SIGTERM ends it cleanly with exit 0")
    func commandAndSigterm() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try addBlocks(64...71, node: 0, in: root)
        let fifo = root.deletingLastPathComponent().appendingPathComponent("events").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let listener = try NotifyListener(directory: root.deletingLastPathComponent())
        let process = Process()
        process.executableURL = Binary.url()
        process.arguments = [
            "watch", "--simulate", "--no-coldplug", "--policy", "auto-movable", "--no-per-node", "--events-from", fifo, "--quiet-ms", "20", "--sysroot",
            root.path,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.path
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let writer = try #require(FileHandle(forWritingAtPath: fifo))
        writer.write((64...71).map { "add memory\($0)\n" }.joined().data(using: .utf8)!)
        let deadline = Date().addingTimeInterval(30)
        while try zones(64...71, in: root).contains(where: { $0 != "Movable" }) && Date() < deadline { usleep(20_000) }
        #expect(try zones(64...71, in: root).allSatisfy { $0 == "Movable" })
        kill(process.processIdentifier, SIGTERM)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try writer.close()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("watching: 1 bursts, 8 blocks onlined (Normal 0, Movable 8)"), "\(text)")
        #expect(try String(contentsOfFile: root.path + "/sys/devices/system/memory/memory40/state", encoding: .utf8) == "offline\n")
        let messages = listener.finish()
        #expect(messages.first?.contains("READY=1") == true, "\(messages)")
        #expect(messages.contains { $0.contains("STATUS=watching: 1 bursts, 8 blocks onlined") })
        #expect(messages.last?.contains("STOPPING=1") == true, "\(messages)")
    }
}

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
import Testing

/// Since Linux 5.7 `auto_online_blocks` takes `online_kernel` and `online_movable`, and a probe made under one of
/// them onlines the block in that zone inside the probe write (6.1 `add_memory_resource` → `online_memory_block`).
/// The serial worker uses that when asked (`ProbeMethod=auto-zone`): one kernel write per probed block, one switch
/// per change of zone. Two writes stay the default.
@Suite("Auto-zone: one kernel write per probed block", .fixtures)
struct AutoZoneTests {
    static let knob = "/sys/devices/system/memory/auto_online_blocks"

    static func run(
        _ root: URL, options: EngineOptions = EngineOptions(workers: .serial, probeMethod: .autoZone),
        kernel: SimulatedKernel.Options = .init(nanosecondsPerGiB: 0)
    )
        throws -> (RunReport, WriteSpy)
    {
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        let spy = WriteSpy(SimulatedKernel(files: files, machine: machine, options: kernel))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let run = DeferredRun(machine: machine, files: files, kernel: spy, options: options, autoOnline: .switch, logger: logger)
        return (run.execute(try Fixture.plan(root), stop: StopFlag()), spy)
    }

    @Test("asked for: auto_online_blocks set to the zone, a probe per block and no state write; restored after")
    func oneWritePerBlock() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let (outcome, spy) = try Self.run(root)
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty)
        let blocks = outcome.plan.blocks.count
        #expect(blocks == 23)
        #expect(!spy.writes.contains { $0.blockState != nil }, "a probed block needs no state write")
        #expect(spy.writes.filter { $0.isProbe }.count == blocks)
        // Normal blocks first under online_kernel, one switch for the Movable run, then the original back.
        #expect(spy.writes.filter { $0.path == Self.knob }.map(\.value) == ["online_kernel", "online_movable", "offline"])
        #expect(spy.writes.count == blocks + 3)
        #expect(try KernelFiles(root: .init(root.path)).readValue(Self.knob) == "offline")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("run/deferred-memd/auto_online_blocks.saved").path))
        let written = try report(root)
        #expect((written["mode"] as? [String: Any])?["probeMethod"] as? String == "auto-zone")
        let writes = try #require(written["blocks"] as? [[String: Any]]).map { $0["writes"] as? [String] ?? [] }
        #expect(writes.filter { $0 == ["probe"] }.count == blocks - 1)
        #expect(writes.filter { $0 == ["auto_online_blocks", "probe"] }.count == 1, "the first Movable block carries the switch")
        #expect(outcome.result.records.allSatisfy { $0.attempts == $0.writes.names.count })
        let journal = try String(contentsOf: root.appendingPathComponent("run/deferred-memd/plan.json"), encoding: .utf8)
        #expect(journal.contains("\"probeMethod\":\"auto-zone\""), "the journal says which method the run used")
    }

    @Test("a kernel before 5.7 refuses online_kernel with EINVAL: two writes per block, and the report says why")
    func olderKernelFallsBack() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let (outcome, spy) = try Self.run(root, kernel: .init(nanosecondsPerGiB: 0, autoOnlineZones: false))
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty)
        #expect(spy.writes.filter { $0.path == Self.knob }.map(\.value) == ["online_kernel"], "the one refused attempt, nothing to restore")
        #expect(spy.writes.filter { $0.blockState != nil }.count == 23)
        #expect(outcome.notes.contains { $0.contains("before 5.7") })
        #expect(try KernelFiles(root: .init(root.path)).readValue(Self.knob) == "offline")
        #expect((try report(root)["mode"] as? [String: Any])?["probeMethod"] as? String == "two-write")
    }

    @Test("before 5.7 with auto_online_blocks=online: the zone is refused, the knob goes off for the run and comes back")
    func olderKernelOnlineRestored() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        try Fixture.write("online\n", to: Self.knob, in: root)
        let (outcome, spy) = try Self.run(root, kernel: .init(nanosecondsPerGiB: 0, autoOnlineZones: false))
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty)
        #expect(spy.writes.filter { $0.path == Self.knob }.map(\.value) == ["online_kernel", "offline", "online"])
    }

    @Test("a probe whose auto-online fails still succeeds: verification finds the block offline and onlines it")
    func silentAutoOnlineFailure() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let plan = try Fixture.plan(root)
        let normal = try #require(plan.blocks.first { $0.zone == .normal }).index
        let movable = try #require(plan.blocks.last { $0.zone == .movable }).index
        let faults = [normal, movable].map { SimulatedKernel.Fault(stage: .online, block: $0, errno: .noMemory, count: 1) }
        let (outcome, spy) = try Self.run(root, kernel: .init(nanosecondsPerGiB: 0, faults: faults))
        #expect(outcome.status == .success)
        #expect(try misplaced(plan, in: root).isEmpty)
        for index in [normal, movable] {
            let record = try #require(outcome.result.records.first { $0.block.index == index })
            #expect(record.outcome == .onlined)
            #expect(record.onlinedAfterProbe)
            #expect(record.writes.contains([.probe, .state]))
            #expect(spy.writes.filter { $0.blockState?.index == index }.count == 1)
        }
        #expect(outcome.result.records.filter(\.onlinedAfterProbe).count == 2)
        #expect(outcome.notes.contains { $0.hasPrefix("2 block(s) stayed offline after their probe") })
        let entries = try #require(try report(root)["blocks"] as? [[String: Any]])
        #expect(entries.filter { $0["onlinedAfterProbe"] as? Bool == true }.count == 2)
    }

    @Test("a switch that fails mid-run: auto_online_blocks set offline, that block and the rest take two writes")
    func switchFailsMidRun() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        // Already online_kernel: the first write to the knob is the switch to online_movable, and it fails.
        try Fixture.write("online_kernel\n", to: Self.knob, in: root)
        let fault = SimulatedKernel.Fault(stage: .autoOnline, block: 0, errno: .ioError, count: 1)
        let (outcome, spy) = try Self.run(root, kernel: .init(nanosecondsPerGiB: 0, faults: [fault]))
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty)
        #expect(spy.writes.filter { $0.path == Self.knob }.map(\.value) == ["online_movable", "offline", "online_kernel"])
        let movable = outcome.result.records.filter { $0.block.zone == .movable }
        #expect(movable.first?.writes == [.autoOnline, .probe, .state])
        #expect(movable.dropFirst().allSatisfy { $0.writes == [.probe, .state] })
        #expect(outcome.result.records.filter { $0.block.zone == .normal }.allSatisfy { $0.writes == .probe })
    }

    @Test("the first zone cannot be set (EIO, not EINVAL): two writes per block from the start, and the report says so")
    func firstSwitchFails() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let fault = SimulatedKernel.Fault(stage: .autoOnline, block: 0, errno: .ioError, count: 1)
        let (outcome, spy) = try Self.run(root, kernel: .init(nanosecondsPerGiB: 0, faults: [fault]))
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty)
        #expect(spy.writes.filter { $0.blockState != nil }.count == 23)
        #expect(outcome.notes.contains { $0.contains("could not be set to a zone") })
    }

    @Test(
        "two writes per block by default, and where auto-zone cannot hold: per-zone workers (one global knob), two-write asked",
        arguments: [
            EngineOptions(workers: .serial), EngineOptions(workers: .perZone), EngineOptions(workers: .perZone, probeMethod: .autoZone),
            EngineOptions(workers: .serial, probeMethod: .twoWrite),
        ])
    func twoWritePaths(options: EngineOptions) throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let (outcome, spy) = try Self.run(root, options: options)
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty)
        #expect(!spy.writes.contains { $0.path == Self.knob })
        #expect(spy.writes.filter { $0.blockState != nil }.count == 23)
        #expect((try report(root)["mode"] as? [String: Any])?["probeMethod"] as? String == "two-write")
    }

    @Test("a run killed with online_movable in place: the next run restores the saved value, and no probe lands in the wrong zone")
    func crashedAutoZoneRunRestored() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        try Fixture.write("offline\n", to: "/run/deferred-memd/auto_online_blocks.saved", in: root)
        try Fixture.write("online_movable\n", to: Self.knob, in: root)
        let (outcome, spy) = try Self.run(root)
        #expect(outcome.status == .success)
        #expect(try misplaced(outcome.plan, in: root).isEmpty, "Normal blocks must not be probed under the crashed run's online_movable")
        #expect(spy.writes.first { $0.path == Self.knob }?.value == "online_kernel")
        #expect(try KernelFiles(root: .init(root.path)).readValue(Self.knob) == "offline")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("run/deferred-memd/auto_online_blocks.saved").path))
    }

    @Test("the dry run models it: after online_movable a recorded probe leaves the block online Movable, and the writes match")
    func dryRunMatches() throws {
        let (dry, real) = try DryRunTests.compare(
            { try Fixture.write("[Run]\nProbeMethod=auto-zone\n", to: "/etc/deferred-memd.conf", in: $0) }, example: "x86-vm-mem-limit")
        #expect(dry.report.status == .success)
        #expect(!real.contains { $0.blockState != nil })
        #expect(dry.report.result.records.allSatisfy { $0.outcome == .onlined && !$0.onlinedAfterProbe })
        #expect(dry.report.result.records.filter { $0.kernelZone == "Movable" }.count == dry.plan.blocks.filter { $0.zone == .movable }.count)
    }

    @Test("the flag and the configuration key choose it; the flag wins", arguments: [("two-write", ProbeMethod.twoWrite), ("auto-zone", .autoZone)])
    func options(flag: String, method: ProbeMethod) throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let other = method == .autoZone ? "two-write" : "auto-zone"
        try Fixture.write("[Run]\nProbeMethod=\(other)\n", to: "/etc/deferred-memd.conf", in: root)
        let configured = try #require(try BootArguments.command(["run", "--sysroot", root.path]))
        let flagged = try #require(try BootArguments.command(["run", "--sysroot", root.path, "--probe-method", flag]))
        guard case .run(let fromConfig) = configured, case .run(let fromFlag) = flagged else { return }
        let configuration = try Configuration.read(from: KernelFiles(root: .init(root.path)), explicitPath: nil)
        #expect(fromConfig.placement.engineOptions(configuration).effectiveProbeMethod(kernelHasCheckedAdd: false) == ProbeMethod(rawValue: other))
        #expect(fromFlag.placement.engineOptions(configuration).effectiveProbeMethod(kernelHasCheckedAdd: false) == method)
    }
}

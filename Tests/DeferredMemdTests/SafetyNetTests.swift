import CSystemd
import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Systemd
import Testing

@Suite("The safety net and the service's start condition", .fixtures)
struct SafetyNetTests {
    func states(_ root: URL) throws -> [String: String] {
        let memory = root.appendingPathComponent("sys/devices/system/memory")
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: memory.path) where name.hasPrefix("memory") {
            let zones = try String(contentsOfFile: memory.path + "/\(name)/valid_zones", encoding: .utf8)
            result[name] =
                try String(contentsOfFile: memory.path + "/\(name)/state", encoding: .utf8).trimmingCharacters(in: .newlines) + " "
                + zones.trimmingCharacters(in: .newlines)
        }
        return result
    }

    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// `rescue --simulate` in-process: the kernel its job makes, on a machine read whole or from the blocks alone.
    static func rescue(_ root: URL) throws -> Rescue.Outcome {
        let files = KernelFiles(root: .init(root.path))
        let machine = try (try? Machine.read(from: files)) ?? Machine(memory: MemoryBlockDirectory.read(from: files))
        let kernel = KernelChoice.simulated(.init(nanosecondsPerGiB: 0), machine: machine).make(files: files)
        return Rescue(files: files, kernel: kernel, logger: quiet).run(stop: StopFlag())
    }

    @Test("after a run that failed one block, rescue onlines that block in the kernel zone and leaves every other block as it was")
    func rescueAfterFailure() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let plan = try Fixture.plan(root)
        let victim = try #require(plan.blocks.last { $0.zone == .movable })
        var run = RunJob()
        run.machine = MachineSelection(sysroot: root.path)
        run.simulate = true
        run.latencyMsPerGib = 0
        run.faults = [.init(stage: .probe, block: victim.index, errno: .noMemory, count: nil)]
        #expect(run.run(context: JobContext(logger: Self.quiet)) == .partial)
        let before = try states(root)
        #expect(before["memory\(victim.index)"] == nil)
        let outcome = try Self.rescue(root)
        #expect(outcome.summary == "rescue: 1 blocks onlined in the kernel zone", "\(outcome.summary)")
        #expect(outcome.failed.isEmpty)
        let after = try states(root)
        #expect(after["memory\(victim.index)"] == "online Normal")
        for (name, state) in before { #expect(after[name] == state, "\(name) changed") }
        #expect(!after.values.contains { $0.hasPrefix("offline") })
    }

    @Test("rescue writes its own report (blocks, exit code) beside the failed run's, which it leaves; status shows both until the next run")
    func rescueReport() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let plan = try Fixture.plan(root)
        let victim = try #require(plan.blocks.last { $0.zone == .movable })
        let run = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--fault", "probe:\(victim.index):ENOMEM:forever", "--sysroot", root.path])
        #expect(run.status == 3, "\(run.stderr)")
        let failedRun = try String(contentsOf: root.appendingPathComponent("run/deferred-memd/report.json"), encoding: .utf8)
        let rescue = InProcess.run(["rescue", "--simulate", "--sysroot", root.path])
        #expect(rescue.status == 0, "\(rescue.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("run/deferred-memd/report.json"), encoding: .utf8) == failedRun)
        let data = try Data(contentsOf: root.appendingPathComponent("run/deferred-memd/rescue.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["exitCode"] as? Int == 0)
        #expect((report["mode"] as? [String: Any])?["command"] as? String == "rescue")
        let blocks = try #require(report["blocks"] as? [[String: Any]])
        #expect(
            blocks.contains { $0["index"] as? Int == victim.index && $0["outcome"] as? String == "onlined" },
            "\(blocks.filter { $0["index"] as? Int == victim.index })")
        let status = InProcess.run(["status", "--sysroot", root.path])
        #expect(status.stdout.contains("Last run:                onlined \(plan.blocks.count - 1)/\(plan.blocks.count) blocks"), "\(status.stdout)")
        #expect(status.stdout.contains("Last rescue:             onlined "), "\(status.stdout)")
        // The next run makes it stale: gone, as the rescue's metrics. (That run ends partial: the rescued block is
        // Normal where the plan says Movable, a conflict it reports.)
        #expect(InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path]).status == 3)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("run/deferred-memd/rescue.json").path))
        #expect(!InProcess.run(["status", "--sysroot", root.path]).stdout.contains("Last rescue"))
    }

    @Test("with sources that do not parse, rescue still onlines every present offline block in the kernel zone, and says why it did no more")
    func rescueWithBadSources() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try Fixture.write("console=ttyS0 deferred_mem.kernelcore=12Q\n", to: "/proc/cmdline", in: root)
        #expect(throws: SourceError.self) { try Machine.read(from: KernelFiles(root: .init(root.path))) }
        let outcome = try Self.rescue(root)
        #expect(outcome.note?.hasPrefix("machine sources unreadable") == true, "\(outcome.summary)")
        #expect(outcome.failed.isEmpty)
        let after = try states(root)
        #expect(after.values.allSatisfy { $0.hasPrefix("online") })
        #expect((32...47).allSatisfy { after["memory\($0)"] == "online Normal" })
        #expect(outcome.onlined == 16)
    }

    @Test("the boot binary runs rescue as the fallback unit does: its summary on stdout, exit 0 once no block is left offline")
    func rescueBinary() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let rescue = try Binary.run(["rescue", "--simulate", "--sysroot", root.path], program: Binary.boot)
        #expect(rescue.status == 0, "\(rescue.stdout) \(rescue.stderr)")
        #expect(rescue.stdout.hasPrefix("rescue: "), "\(rescue.stdout)")
        #expect(!(try states(root)).values.contains { $0.hasPrefix("offline") })
    }

    @Test(
        "mem= with no RAM map to locate the rest (arm64 under UEFI without the vendor interface): plan --check starts the service, run exits 1 saying why and writes nothing, and a run with blocks still says what stays missing"
    )
    func unlocatedDeferredMemory() throws {
        let root = try Fixture.machineWithoutRAMMap()
        #expect(InProcess.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        let before = try treeSnapshot(root.appendingPathComponent("sys"))
        let run = InProcess.run(["run", "--simulate", "--sysroot", root.path])
        #expect(run.status == 1, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("onlined 0/0 blocks"))
        #expect(run.stdout.contains("; nothing done: mem= limits boot memory, but no RAM map"), "\(run.stdout)")
        #expect(try treeSnapshot(root.appendingPathComponent("sys")) == before)
        // An offline block is still onlined, and the summary still says what stays missing, in a re-run too (the
        // boot's journal keeps the block in the plan).
        try Fixture.write("offline\n", to: "/sys/devices/system/memory/memory39/state", in: root)
        #expect(InProcess.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        let offline = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(offline.status == 0, "\(offline.stdout) \(offline.stderr)")
        #expect(offline.stdout.contains("onlined 1/1 blocks"), "\(offline.stdout)")
        #expect(offline.stdout.contains("Normal 1, Movable 0; mem= limits boot memory, but no RAM map"), "\(offline.stdout)")
        #expect(InProcess.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        let again = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("(1 already online); mem= limits boot memory, but no RAM map"), "\(again.stdout)")
        // Without mem= the same machine has nothing deferred: the unit is skipped, as on any fully booted device.
        try Fixture.write("console=ttyAMA0\n", to: "/proc/cmdline", in: root)
        #expect(InProcess.run(["plan", "--check", "--sysroot", root.path]).status == 1)
    }

    @Test("plan --check: 0 with memory to online or bad input (so run reports it), 1 once everything is online")
    func startCondition() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        #expect(InProcess.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        #expect(InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path]).status == 0)
        let done = InProcess.run(["plan", "--check", "--sysroot", root.path])
        #expect(done.status == 1)
        #expect(done.stdout.isEmpty && done.stderr.isEmpty)
        try Fixture.write("mem=2G deferred_mem.movablecore=150%\n", to: "/proc/cmdline", in: root)
        #expect(InProcess.run(["plan", "--check", "--sysroot", root.path]).status == 0)
    }
}

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
import Synchronization
import Testing

@Suite("The engine in-process: races, panics, size", .fixtures)
struct EngineTests {
    static func run(_ root: URL, kernel: (KernelFiles, Machine) -> any HotplugKernel, options: EngineOptions = EngineOptions(workers: .perZone)) throws
        -> RunReport
    {
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        let plan = try Fixture.plan(root)
        let run = DeferredRun(
            machine: machine, files: files, kernel: kernel(files, machine), options: options, autoOnline: .switch, logger: Logger(label: "test"))
        return run.execute(plan, stop: StopFlag())
    }

    @Test("a concurrent udev-style onliner yields successes or conflicts, never errors, and nothing stays offline", arguments: 0..<4)
    func udevRace(seed: Int) throws {
        let root = try Fixture.copyOfExample(seed % 2 == 0 ? "x86-vm-numa-dimms" : "phone-12g")
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        let kernel = SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 40_000_000))
        let done = Atomic<Bool>(false)
        // udev: `SUBSYSTEM=="memory", ACTION=="add", ATTR{state}="online"`, racing the daemon block by block.
        let udev = Thread {
            var generator = SystemRandomNumberGenerator()
            while !done.load(ordering: .acquiring) {
                let index = Int.random(in: 16...95, using: &generator)
                try? kernel.write(.blockState(index: index, command: .online))
                usleep(500)
            }
        }
        udev.start()
        let report = try Self.run(root) { _, _ in kernel }
        done.store(true, ordering: .releasing)
        Thread.sleep(forTimeInterval: 0.01)
        for record in report.result.records {
            switch record.outcome {
            case .onlined, .alreadyOnline, .raced, .conflict: break
            default: Issue.record("memory\(record.block.index): \(record.outcome)")
            }
        }
        for block in report.plan.blocks {
            #expect((try? files.readValue("/sys/devices/system/memory/memory\(block.index)/state")) == "online")
        }
    }

    @Test("onlining a block with no RAM behind it is a simulated panic: the run stops and says so loudly")
    func simulatedPanic() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        // The daemon trusts deferred_mem_init's bounds alone; the hardware has a hole at 6–7 GiB.
        try FileManager.default.removeItem(at: root.appendingPathComponent("proc/device-tree"))
        let truth = RangeSet([AddressRange(start: 0, end: 6 << 30), AddressRange(start: 7 << 30, end: 12 << 30)])
        let report = try Self.run(
            root,
            kernel: { files, machine in
                SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0), physicalRAM: truth)
            }, options: EngineOptions(workers: .serial))
        #expect(report.status == .nothingDone)
        #expect(report.result.stopReason?.description.hasPrefix("simulated kernel panic: memory48") == true)
        #expect(report.summary.contains("simulated kernel panic"))
        #expect(report.plan.warnings.contains { $0.code == .boundsOnly && $0.message.contains("taken as contiguous") })
    }

    @Test("an 8192-block machine (1 TiB of 128 MiB blocks) completes")
    func eightThousandBlocks() throws {
        let root = try Fixture.temporaryDirectory().appendingPathComponent("tib")
        try SyntheticMachine.write(root: root, dram: 1 << 40, boot: 2 << 30, movablePercent: 50)
        let report = try Self.run(root) { files, machine in SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0)) }
        #expect(report.status == .success)
        #expect(report.result.records.count == 8192 - 16)
        #expect(report.result.records.filter { $0.block.zone == .movable }.count == (8192 - 16) / 2)
    }
}

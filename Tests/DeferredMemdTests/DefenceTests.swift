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

@Suite("Defence in depth", .fixtures)
struct DefenceTests {
    @Test("the engine refuses to probe a block outside RAM or over a carve-out, whatever the plan says")
    func engineRechecksProbes() throws {
        let root = try Fixture.copyOfExample("arm64-board")
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        var plan = try Fixture.plan(root)
        // A doctored plan: the modem carve-out's block (282) and a block in the hole between banks (1 GiB at 4 GiB).
        plan.blocks += [
            Plan.Block(index: 282, start: 282 << 27, node: 0, zone: .normal, action: .probe),
            Plan.Block(index: 32, start: 32 << 27, node: 0, zone: .normal, action: .probe),
        ]
        plan.blocks.sort { $0.index < $1.index }
        let kernel = SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0))
        let report = DeferredRun(machine: machine, files: files, kernel: kernel, options: EngineOptions(), autoOnline: .switch, logger: Logger(label: "test"))
            .execute(plan, stop: StopFlag())
        let outcomes = Dictionary(uniqueKeysWithValues: report.result.records.map { ($0.block.index, $0.outcome) })
        guard case .refused(let carveOut) = outcomes[282], case .refused(let hole) = outcomes[32] else {
            Issue.record("expected refusals, got \(String(describing: outcomes[282])) and \(String(describing: outcomes[32]))")
            return
        }
        #expect(carveOut.contains("modem@8d0000000"))
        #expect(hole.contains("not entirely inside RAM"))
        #expect(!files.exists("/sys/devices/system/memory/memory282"))
        #expect(!files.exists("/sys/devices/system/memory/memory32"))
        #expect(report.status == .partial)
    }

    @Test("an unreadable source file is bad input naming the path and the errno")
    func unreadableFile() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        // A directory where a file is expected: read(2) fails with EISDIR, even for root.
        let cmdline = root.appendingPathComponent("proc/cmdline")
        try FileManager.default.removeItem(at: cmdline)
        try FileManager.default.createDirectory(at: cmdline, withIntermediateDirectories: false)
        let result = InProcess.run(["plan", "--sysroot", root.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("proc/cmdline"))
        #expect(result.stderr.contains("EISDIR"))
    }
}

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

@Suite("Worker placement: CPU affinity and priority per zone worker", .fixtures)
struct PlacementTests {
    @Test("worker threads carry their zone's CPUs and priority (a nice value, or SCHED_IDLE)")
    func placement() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let last = ProcessInfo.processInfo.activeProcessorCount - 1
        let options = EngineOptions(workers: .perZone, cpus: [.normal: [0], .movable: [last]], priority: [.normal: .nice(5), .movable: .idle])
        let report = try EngineTests.run(
            root, kernel: { files, machine in SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0)) }, options: options)
        #expect(report.result.workers.count >= 2)
        for worker in report.result.workers {
            #expect(worker.priority == (worker.zone == .normal ? .nice(5) : .idle), "\(worker.name)")
            #expect(worker.cpus == (worker.zone == .normal ? [0] : [last]), "\(worker.name)")
        }
    }

    @Test("flags set each zone worker's CPUs and priority, over the configuration; the report shows them")
    func flags() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try Fixture.write("[Plan]\nMovableCore=50%\n[Workers]\nNice=3\nNormalCPUs=0\n", to: "/etc/deferred-memd.conf", in: root)
        let result = InProcess.run([
            "run", "--simulate", "--workers", "per-zone", "--latency-ms-per-gib", "0", "--movable-cpus", "0", "--movable-priority", "idle", "--sysroot",
            root.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let workers = try #require(try report(root)["workers"] as? [[String: Any]])
        #expect(!workers.isEmpty)
        for worker in workers {
            #expect(worker["cpus"] as? [Int] == [0])
            if worker["zone"] as? String == "Movable" {
                #expect(worker["priority"] as? String == "idle")
            } else {
                #expect(worker["priority"] as? Int == 3)
            }
        }
    }

    @Test(
        "bad placement flags are usage errors naming the flag",
        arguments: [["--normal-cpus", "4-x"], ["--movable-priority", "20"], ["--normal-priority", "fast"]])
    func badFlags(flags: [String]) throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let before = try treeSnapshot(root)
        let result = InProcess.run(["run", "--simulate", "--sysroot", root.path] + flags)
        #expect(result.status == 64)
        #expect(result.stderr.contains(flags[0]))
        #expect(try treeSnapshot(root) == before)
    }
}

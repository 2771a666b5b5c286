import Foundation
import Jobs
import KernelFiles
import MachineSources
import Testing

/// On a big.LITTLE machine (CPUs of different `cpu_capacity`, from the devicetree's `capacity-dmips-mhz`) the
/// workers run on the biggest cores unless a CPU list is configured; the report and the journal say so.
@Suite("The fastest CPUs: where the workers run on a machine whose CPUs differ", .fixtures)
struct FastestCPUsTests {
    /// QEMU's virt board with two CPUs: cpu0 little (512), cpu1 big (1024).
    static func bigLittle(_ capacities: [Int] = [512, 1024]) throws -> URL {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Fixture.write("0-\(capacities.count - 1)\n", to: CPUCapacities.onlinePath, in: root)
        for (cpu, capacity) in capacities.enumerated() {
            try Fixture.write("\(capacity)\n", to: CPUCapacities.capacityPath(cpu), in: root)
        }
        return root
    }

    @Test("the capacities are read, and the fastest are the CPUs of the highest one; alike CPUs have none")
    func reading() throws {
        let root = try Self.bigLittle([512, 1024])
        let capacities = try #require(try CPUCapacities.read(from: KernelFiles(root: .init(root.path))))
        #expect(capacities.byCPU == [0: 512, 1: 1024])
        #expect(capacities.fastest?.cpus == [1])
        #expect(CPUCapacities(byCPU: [0: 1024, 1: 1024]).fastest == nil)
    }

    @Test("with no CPU list the workers run on the big core, and the report says so")
    func workersOnTheBigCore() throws {
        let root = try Self.bigLittle()
        #expect(DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        let written = try report(root)
        let mode = try #require(written["mode"] as? [String: Any])
        let fastest = try #require(mode["fastestCPUs"] as? [String: Any])
        #expect(fastest["cpus"] as? [Int] == [1])
        #expect(fastest["capacity"] as? Int == 1024)
        let workers = try #require(written["workers"] as? [[String: Any]])
        #expect(!workers.isEmpty && workers.allSatisfy { $0["cpus"] as? [Int] == [1] })
    }

    @Test("a configured CPU list wins")
    func configuredListWins() throws {
        let root = try Self.bigLittle()
        try Fixture.write("[Workers]\nNormalCPUs=0\nMovableCPUs=0\n", to: "/etc/deferred-memd.conf", in: root)
        #expect(DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        let written = try report(root)
        let mode = try #require(written["mode"] as? [String: Any])
        #expect(mode["fastestCPUs"] == nil)
        let workers = try #require(written["workers"] as? [[String: Any]])
        #expect(workers.allSatisfy { $0["cpus"] as? [Int] == [0] })
    }

    @Test("a capacity that is not a number is bad input naming the file")
    func badCapacity() throws {
        let root = try Self.bigLittle()
        try Fixture.write("big\n", to: CPUCapacities.capacityPath(1), in: root)
        #expect {
            _ = try Fixture.plan(root)
        } throws: { error in
            "\(error)".contains("cpu1/cpu_capacity") && "\(error)".contains("positive whole number")
        }
    }
}

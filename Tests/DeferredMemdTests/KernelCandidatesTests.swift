import Execution
import Foundation
import Jobs
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Testing

/// `mem=` on arm64 (`memblock_cap_memory_range`) drops every reservation above the limit: the devicetree blob, EFI
/// memreserve entries. No file shows where they were, so the RAM map offers their blocks. The patched kernel
/// lists what may be added in `/sys/kernel/deferred_mem_init/candidates` (kernel/README.md); where it does, the
/// plan and the probe guard keep to it.
@Suite("The kernel's candidates: nothing is probed outside them", .fixtures)
struct KernelCandidatesTests {
    static let candidates = "/sys/kernel/deferred_mem_init/candidates"

    /// QEMU's virt board with mem=1G, the devicetree blob loaded in the last block (0x138000000): the kernel lists
    /// everything above the limit but that block.
    static func virtWithBlobAtTheTop() throws -> URL {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Fixture.write("0x80000000-0x138000000 0\n", to: candidates, in: root)
        return root
    }

    @Test("a block the kernel does not list is skipped with the reason and a warning; the rest is planned as before")
    func blockOutsideIsSkipped() throws {
        let root = try Self.virtWithBlobAtTheTop()
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.count == 23)
        #expect(!plan.blocks.contains { $0.index == 39 })
        let skipped = try #require(plan.skipped.first { $0.reason == .notCandidate })
        #expect(skipped.range == AddressRange(start: 0x1_3800_0000, end: 0x1_4000_0000))
        let warning = try #require(plan.warnings.first { $0.code == .outsideCandidates })
        #expect(warning.message.contains("0x138000000"))
    }

    @Test("the dry run writes nothing for it")
    func dryRunNeverProbesIt() throws {
        let root = try Self.virtWithBlobAtTheTop()
        let dry = try DryRunTests.job(root, simulate: false, dryRun: true).dry(context: DryRunTests.quietContext())
        #expect(dry.writes.contains { $0.value == "0x130000000" })
        #expect(!dry.writes.contains { $0.value == "0x138000000" || $0.path.hasSuffix("/memory39/state") })
    }

    @Test("an empty list: the kernel says nothing may be added, and nothing is probed")
    func emptyList() throws {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Fixture.write("", to: Self.candidates, in: root)
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.isEmpty)
        #expect(plan.skipped.filter { $0.reason == .notCandidate }.count == 24)
    }

    @Test("the probe guard refuses a block outside the candidates, whatever the plan (a journal) says")
    func guardRefuses() throws {
        let root = try Self.virtWithBlobAtTheTop()
        let machine = try Machine.read(from: KernelFiles(root: .init(root.path)))
        let guarding = ProbeGuard(machine: machine)
        #expect(guarding.refusal(for: AddressRange(start: 0x1_3000_0000, end: 0x1_3800_0000)) == nil)
        let refusal = try #require(guarding.refusal(for: AddressRange(start: 0x1_3800_0000, end: 0x1_4000_0000)))
        #expect(refusal.contains("candidates"))
    }

    @Test(
        "a malformed line is bad input naming the file, the value and the format",
        arguments: ["0x80000000 0\n", "80000000-90000000 0\n", "0x90000000-0x80000000 0\n", "0x80000000-0x90000000 node0\n"])
    func malformed(line: String) throws {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Fixture.write(line, to: Self.candidates, in: root)
        #expect {
            _ = try Fixture.plan(root)
        } throws: { error in
            "\(error)".contains(Self.candidates) && "\(error)".contains("0xSTART-0xEND NODE")
        }
    }
}

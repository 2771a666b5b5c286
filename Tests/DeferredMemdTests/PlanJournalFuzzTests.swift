import Execution
import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

/// A corrupt plan journal is ignored as a whole, with a warning; it never puts a block outside the fresh plan's
/// RAM, a negative index, or one block per index of a bogus count into the plan.
@Suite("Fuzz findings: the plan journal", .fixtures)
struct PlanJournalFuzzTests {
    static let bootID = "0b1c2d3e-fuzz-4f5a-8b6c-7d8e9f0a1b2c"
    static let blockSize: UInt64 = 128 << 20
    /// FuzzPlanJournal's fresh plan: RAM 4–8 GiB and 16–17 GiB, blocks 32–47 planned.
    static let fresh = Plan(
        blockSize: blockSize, source: .devicetree, bootEnd: 4 << 30,
        ram: RangeSet([AddressRange(start: 4 << 30, end: 8 << 30), AddressRange(start: 16 << 30, end: 17 << 30)]),
        blocks: (32..<48).map { Plan.Block(index: $0, start: UInt64($0) * blockSize, node: 0, zone: $0 < 40 ? .normal : .movable, action: .probe) },
        skipped: [], split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none), normalFirst: false, warnings: [])

    static func reconcile(_ journal: String) throws -> (plan: Plan, resumed: Bool) {
        let root = try Fixture.temporaryDirectory()
        try Fixture.write(bootID + "\n", to: PlanJournal.bootIDPath, in: root)
        try Fixture.write(journal, to: PlanJournal.path, in: root)
        return PlanJournal(state: .onDisk(KernelFiles(root: .init(root.path)))).reconcile(fresh)
    }

    static func journal(_ extents: String) -> String {
        #"{"bootId":"\#(bootID)","blockSize":134217728,"extents":[\#(extents)]}"#
    }

    @Test("FuzzPlanJournal's finding: a malformed extent was skipped and the next one put memory256 outside the RAM into the plan")
    func blockOutsideRAM() throws {
        let (plan, resumed) = try Self.reconcile(try FuzzRegressionTests.finding("plan-journal-block-outside-ram"))
        #expect(!resumed)
        #expect(plan.blocks == Self.fresh.blocks)
        #expect(plan.warnings.map(\.code) == [.planJournalIgnored])
    }

    @Test(
        "a bogus extent makes the whole journal ignored (negative, overflowing, too many, outside RAM, bad node), never a trap or a hang",
        arguments: [
            #"{"first":-1,"count":1,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":9223372036854775807,"count":2,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":144115188075855872,"count":1,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":32,"count":1000000000000,"node":0,"zone":"Normal","action":"probe"}"#,
            #"{"first":64,"count":1,"node":0,"zone":"Movable","action":"probe"}"#,
            #"{"first":32,"count":1,"node":-1,"zone":"Normal","action":"probe"}"#,
            #"{"first":32,"count":1,"node":4096,"zone":"Normal","action":"probe"}"#,
            #"{"first":32,"count":1,"node":0,"zone":"Normal","action":"probe"},{"first":40}"#,
        ])
    func bogusExtent(extent: String) throws {
        let (plan, resumed) = try Self.reconcile(Self.journal(extent))
        #expect(!resumed)
        #expect(plan.blocks == Self.fresh.blocks)
        #expect(plan.warnings.map(\.code) == [.planJournalIgnored])
    }

    @Test("a truncated journal is ignored with a warning; another boot's is ignored silently; a sound one resumes")
    func truncatedStaleAndSound() throws {
        let sound = Self.journal(
            #"{"first":32,"count":16,"node":0,"zone":"Movable","action":"probe"},{"first":128,"count":8,"node":1,"zone":"Movable","action":"online"}"#)
        let truncated = try Self.reconcile(String(sound.prefix(80)))
        #expect(!truncated.resumed && truncated.plan.warnings.map(\.code) == [.planJournalIgnored])
        let stale = try Self.reconcile(sound.replacingOccurrences(of: Self.bootID, with: "another-boot"))
        #expect(!stale.resumed && stale.plan.warnings.isEmpty)
        let resumed = try Self.reconcile(sound)
        #expect(resumed.resumed && resumed.plan.warnings.isEmpty)
        #expect(resumed.plan.blocks.map(\.index) == Array(32..<48) + Array(128..<136))
        #expect(resumed.plan.blocks.allSatisfy { $0.zone == .movable })
    }
}

import Foundation
import Jobs
import MachineSources
import Planning
import Reporting
import Testing

/// The rules the planner and `doctor` share are computed once (`MachineRules`, `PlanRules`, `ZoneBalance`): the
/// plan carries the findings that warn, `doctor` prints every finding. So on any machine, a plan warning and the
/// doctor finding with its code say the same thing, and no plan warning goes unsaid in `doctor`.
@Suite("Rules: the plan's warnings and doctor's checks are two views of one finding", .fixtures)
struct RulesTests {
    /// The x86 VM with `mem=1G`, changed by `edit` so that a rule fires.
    static func views(_ edit: (URL) throws -> Void) throws -> (plan: Plan, doctor: [Finding]) {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        try edit(root)
        var job = DoctorJob()
        job.machine = MachineSelection(sysroot: root.path)
        let input = job.read()
        let plan = try #require(try input.plan?.get())
        return (plan, DoctorCheck.findings(input))
    }

    static let machines: [(String, @Sendable (URL) throws -> Void)] = [
        ("as captured", { _ in }),
        ("memhp_default_state=online", { try Fixture.write("mem=1G memhp_default_state=online\n", to: "/proc/cmdline", in: $0) }),
        (
            "no memhp_default_state= and auto_online_blocks online",
            {
                try Fixture.write("mem=1G\n", to: "/proc/cmdline", in: $0)
                try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: $0)
            }
        ),
        ("movable_node", { try Fixture.write("mem=1G movable_node\n", to: "/proc/cmdline", in: $0) }),
        ("kernelcore=mirror", { try Fixture.write("mem=1G kernelcore=mirror\n", to: "/proc/cmdline", in: $0) }),
        ("a crash-dump kernel", { try Fixture.write("mem=1G elfcorehdr=0x1000\n", to: "/proc/cmdline", in: $0) }),
        (
            "everything deferred to ZONE_MOVABLE on a 512 MiB boot",
            {
                try Fixture.write("mem=512M\n", to: "/proc/cmdline", in: $0)
                try Fixture.write("[Plan]\nMovableCore=100%\n", to: "/etc/deferred-memd.conf", in: $0)
            }
        ),
        ("tight free memory", { try Fixture.write("MemTotal: 1000000 kB\nMemFree: 40000 kB\n", to: "/proc/meminfo", in: $0) }),
        ("too little free memory", { try Fixture.write("MemTotal: 1000000 kB\nMemFree: 4000 kB\n", to: "/proc/meminfo", in: $0) }),
        ("no probe file", { try FileManager.default.removeItem(at: $0.appendingPathComponent("sys/devices/system/memory/probe")) }),
    ]

    @Test("a plan warning and doctor's finding of that code say the same; every plan warning is in doctor", arguments: machines.indices)
    func sameWords(_ index: Int) throws {
        let (name, edit) = Self.machines[index]
        let (plan, doctor) = try Self.views(edit)
        for warning in plan.warnings {
            let shown = doctor.filter { $0.code == warning.code || $0.code == DoctorCheck.coveredBy[warning.code] }
            #expect(!shown.isEmpty, "\(name): plan warning \(warning.code.rawValue) is not in doctor")
            // auto-online-blocks is doctor's own check: it also weighs AutoOnline= (refuse fails), in its own words.
            for finding in shown where finding.code == warning.code {
                #expect(finding.severity != .ok, "\(name): \(warning.code.rawValue)")
                #expect(finding.message == warning.message || finding.code == .autoOnlineBlocks, "\(name): \(warning.code.rawValue)")
            }
        }
        // One finding per rule: never an ok line beside a warning of the same rule.
        let codes = doctor.map(\.code)
        #expect(Set(codes).count == codes.count, "\(name): \(codes.map(\.rawValue))")
    }

    @Test("each machine above trips the rule it is named for (the views are compared on something)")
    func rulesFire() throws {
        let expected: [FindingCode?] = [
            nil, .memhpDefaultState, .memhpDefaultState, .movableNode, .kernelcoreMirror, .crashKernel, .movableRatio, .memmapHeadroom,
            .memmapCannotFit, .noProbeFile,
        ]
        for (index, code) in expected.enumerated() {
            guard let code else { continue }
            let (plan, doctor) = try Self.views(Self.machines[index].1)
            #expect(plan.warnings.contains { $0.code == code }, "\(Self.machines[index].0): no \(code.rawValue) in the plan")
            #expect(doctor.contains { $0.code == code || $0.code == DoctorCheck.coveredBy[code] }, "\(Self.machines[index].0)")
        }
    }

    @Test("free memory below what the memmap needs: doctor fails memmap-cannot-fit, and says nothing ok about the memmap")
    func memmapCannotFit() throws {
        let (_, doctor) = try Self.views(Self.machines[8].1)
        #expect(doctor.first { $0.code == .memmapCannotFit }?.severity == .fail)
        #expect(!doctor.contains { $0.code == .memmapHeadroom })
        #expect(DoctorReport.exitStatus(doctor) == .checkFailed)
    }
}
